package dev.concierge.client.internal;

import dev.concierge.client.ClientHandlers;
import dev.concierge.client.HeaderSupplier;
import dev.concierge.client.MetaSupplier;
import dev.concierge.protocol.model.Implementation;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/** Everything a {@link ServerConnection} shares with its siblings: identity, callbacks, threads and clock. */
public record ClientEnvironment(
    Implementation clientInfo,
    ClientHandlers.SamplingHandler sampling,
    ClientHandlers.ElicitationHandler elicitation,
    ClientHandlers.RootsProvider roots,
    ClientHandlers.ProgressListener progress,
    ClientHandlers.LogListener log,
    ClientHandlers.ChangeListener changes,
    HeaderSupplier headers,
    MetaSupplier meta,
    String logLevel,
    Duration probeTimeout,
    TransportFactory transports,
    ScheduledExecutorService scheduler,
    Executor callbackExecutor,
    LongSupplier nanoClock) {}
