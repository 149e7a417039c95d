package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.McpClientException;
import dev.concierge.client.RequestTimeoutException;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.transport.McpTransport;
import dev.concierge.client.transport.SendOptions;
import dev.concierge.client.transport.StreamableHttpTransport;
import dev.concierge.client.transport.TransportListener;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.RequestId;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One JSON-RPC conversation with one server over one transport: request/response correlation, a timeout on every
 * request that progress restarts up to a hard cap, cancellation when the caller gives up, answers to the server's own
 * requests, and failing every pending request at once when the transport dies.
 *
 * <p>Thread-safe. The pending map is the only shared state; each entry is completed exactly once, by whichever of
 * response, timeout, cancellation or close comes first (see docs/CONCURRENCY.md).
 */
public final class McpSession implements TransportListener {
  /** What the layer above does with messages the session does not own. */
  public interface Inbound {
    /** A server-to-client request other than {@code ping}; the future's value is the result. */
    CompletableFuture<JsonNode> onRequest(JsonRpcRequest request);

    /** A notification other than progress and cancellation of our own requests. */
    void onNotification(JsonRpcNotification notification);

    void onMalformed(String reason);

    /** The transport died ({@code cause} non-null) or was closed. */
    void onClosed(Throwable cause);
  }

  private final String server;
  private final McpTransport transport;
  private final Deadlines deadlines;
  private final Inbound inbound;
  private final LongSupplier clock;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<RequestId, Pending> pending = new ConcurrentHashMap<>();
  private final Map<RequestId, CompletableFuture<JsonNode>> inboundRequests = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Throwable closeCause;
  private volatile String protocolVersion;

  public McpSession(String server, McpTransport transport, ScheduledExecutorService scheduler, Inbound inbound,
      LongSupplier nanoClock) {
    this.server = server;
    this.transport = transport;
    this.deadlines = new Deadlines(scheduler, nanoClock);
    this.inbound = inbound;
    this.clock = nanoClock;
  }

  /** Starts the transport; inbound traffic flows from now on. */
  public void start() {
    transport.start(this);
  }

  public McpTransport transport() {
    return transport;
  }

  /** The version for transport headers on messages the session sends by itself (answers, notifications). */
  public void protocolVersion(String version) {
    this.protocolVersion = version;
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /**
   * Sends a request. The future completes with the {@code result}, or fails with a {@link McpClientException}
   * subclass. Cancelling the future tells the server (notifications/cancelled, or closing an HTTP stream). The session
   * takes ownership of {@code params} (it may add a progress token): pass a tree no one else changes.
   */
  public CompletableFuture<JsonNode> request(String method, ObjectNode params, RequestOptions options) {
    RequestId id = RequestId.of(nextId.getAndIncrement());
    ObjectNode body = params; // ours now: callers hand over a fresh tree (see the Javadoc)
    if (options.progress() != null) {
      body = body == null ? Json.object() : body;
      ObjectNode meta = body.withObjectProperty("_meta");
      meta.set(MetaKeys.PROGRESS_TOKEN, id.toJson());
    }
    JsonRpcRequest request = new JsonRpcRequest(id, method, body);
    Pending entry = new Pending(id, method, options, clock.getAsLong());
    if (closed.get()) {
      entry.future.completeExceptionally(closedException());
      return entry.future;
    }
    pending.put(id, entry);
    entry.future.whenComplete((value, error) -> {
      pending.remove(id);
      entry.cancelTimer();
      if (entry.future.isCancelled()) {
        cancelRemotely(id, "caller cancelled");
      }
    });
    entry.armTimer();
    // Closing may have raced with registration: make sure no entry outlives the session.
    if (closed.get()) {
      entry.future.completeExceptionally(closedException());
      return entry.future;
    }
    SendOptions send = options.timeout() != null && CallerWaits.waitsFor(method) ? options.send().sentByWaitingCaller()
        : options.send();
    transport.send(request, send).whenComplete((ok, error) -> {
      if (error != null) {
        entry.future.completeExceptionally(unwrap(error));
      }
    });
    return entry.future;
  }

  /** Sends a notification; failures are reported through the returned future. */
  public CompletableFuture<Void> notify(String method, ObjectNode params, SendOptions options) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    return transport.send(new JsonRpcNotification(method, params), options);
  }

  /** Closes the transport and fails everything pending. Idempotent. */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeCause = new ConnectionClosedException(server, "connection closed by the client", null);
      failAll(closeCause);
      transport.close();
    }
  }

  @Override
  public void onMessage(JsonRpcMessage message) {
    if (message instanceof JsonRpcResponse response) {
      onResponse(response);
    } else if (message instanceof JsonRpcRequest request) {
      onServerRequest(request);
    } else if (message instanceof JsonRpcNotification notification) {
      onNotification(notification);
    }
  }

  @Override
  public void onMalformed(String reason) {
    inbound.onMalformed(reason);
  }

  @Override
  public void onClosed(Throwable cause) {
    if (closed.compareAndSet(false, true)) {
      closeCause = cause instanceof McpClientException e ? e
          : new ConnectionClosedException(server, cause == null ? "connection closed" : "connection lost: "
              + cause.getMessage(), cause);
      failAll(closeCause);
    }
    inboundRequests.values().forEach(f -> f.cancel(true));
    inbound.onClosed(cause);
  }

  private void onResponse(JsonRpcResponse response) {
    Pending entry = response.id() == null ? null : pending.get(response.id());
    if (entry == null) {
      if (response.isError() && response.id() == null && pending.size() == 1) {
        // An error about a message the server could not read carries no id; with one request in flight it is ours.
        pending.values().forEach(p -> p.future.completeExceptionally(toException(response.error())));
        return;
      }
      inbound.onMalformed("response for unknown request id " + response.id());
      return;
    }
    if (response.isError()) {
      entry.future.completeExceptionally(toException(response.error()));
    } else {
      entry.future.complete(response.result());
    }
  }

  private void onNotification(JsonRpcNotification notification) {
    ObjectNode params = notification.paramsOrEmpty();
    switch (notification.method()) {
      case McpMethods.NOTIFICATION_PROGRESS -> {
        RequestId token = RequestId.fromJson(params.get("progressToken"));
        Pending entry = token == null ? null : pending.get(token);
        if (entry != null && entry.options.progress() != null) {
          entry.armTimer();
          JsonNode total = params.get("total");
          safely(() -> entry.options.progress().onProgress(params.path("progress").asDouble(),
              total != null && total.isNumber() ? total.asDouble() : null, Json.text(params, "message")));
        }
      }
      case McpMethods.NOTIFICATION_CANCELLED -> {
        RequestId id = RequestId.fromJson(params.get("requestId"));
        CompletableFuture<JsonNode> running = id == null ? null : inboundRequests.remove(id);
        if (running != null) {
          running.cancel(true);
        } else {
          inbound.onNotification(notification);
        }
      }
      default -> inbound.onNotification(notification);
    }
  }

  private void onServerRequest(JsonRpcRequest request) {
    if (McpMethods.PING.equals(request.method())) {
      reply(JsonRpcResponse.success(request.id(), Json.object()));
      return;
    }
    CompletableFuture<JsonNode> answer = answerOf(request);
    inboundRequests.put(request.id(), answer);
    answer.whenComplete((result, error) -> {
      inboundRequests.remove(request.id());
      if (answer.isCancelled()) {
        return; // the server withdrew the request: it must not get an answer
      }
      reply(error == null ? JsonRpcResponse.success(request.id(), result == null ? Json.object() : result)
          : JsonRpcResponse.failure(request.id(), toWireError(unwrap(error))));
    });
  }

  private CompletableFuture<JsonNode> answerOf(JsonRpcRequest request) {
    try {
      CompletableFuture<JsonNode> answer = inbound.onRequest(request);
      return answer != null ? answer : CompletableFuture.completedFuture(Json.object());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void reply(JsonRpcResponse response) {
    if (!closed.get()) {
      transport.send(response, new SendOptions(protocolVersion, Map.of()))
          .exceptionally(e -> { inbound.onMalformed("could not send answer: " + e.getMessage()); return null; });
    }
  }

  private void cancelRemotely(RequestId id, String reason) {
    if (closed.get() || transport.abandon(id)) {
      return;
    }
    ObjectNode params = Json.object();
    params.set("requestId", id.toJson());
    params.put("reason", reason);
    notify(McpMethods.NOTIFICATION_CANCELLED, params, new SendOptions(protocolVersion, Map.of()))
        .exceptionally(e -> null);
  }

  private void failAll(Throwable cause) {
    for (Pending entry : new ArrayList<>(pending.values())) {
      entry.future.completeExceptionally(cause);
    }
  }

  private McpClientException closedException() {
    Throwable cause = closeCause;
    return cause instanceof McpClientException e ? e : new ConnectionClosedException(server, "connection closed", cause);
  }

  private McpClientException toException(JsonRpcError error) {
    if (StreamableHttpTransport.isStreamLost(error)) {
      // Not the server's answer: the transport's word that the response stream died with the request on it.
      return ConnectionClosedException.withDetail(server, error.message(), error.data());
    }
    return new ServerErrorException(server, error.code(), error.message(), error.data());
  }

  /** What the server sees when one of our handlers fails: the code and a message, never a stack trace. */
  private static JsonRpcError toWireError(Throwable error) {
    if (error instanceof McpException e) {
      return new JsonRpcError(e.code(), e.getMessage(), e.data());
    }
    if (error instanceof java.util.concurrent.CancellationException) {
      return new JsonRpcError(ErrorCodes.INTERNAL_ERROR, "Request cancelled by the client", null);
    }
    return new JsonRpcError(ErrorCodes.INTERNAL_ERROR, "Internal error in client handler", null);
  }

  /** The failure inside CompletableFuture's wrappers. */
  public static Throwable unwrap(Throwable error) {
    while ((error instanceof java.util.concurrent.CompletionException
        || error instanceof java.util.concurrent.ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  /** Runs a user callback; what it throws never reaches the engine. */
  static void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException ignored) {
      // A user callback must never break the engine.
    }
  }

  /**
   * Waits for a request made on behalf of a blocking API: client failures come out as they are, anything else as
   * what {@code otherwise} makes of it.
   */
  static JsonNode await(CompletableFuture<JsonNode> future,
      java.util.function.Function<Throwable, McpClientException> otherwise) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = unwrap(e);
      throw cause instanceof McpClientException m ? m : otherwise.apply(cause);
    }
  }

  /** One request awaiting its answer. */
  private final class Pending {
    final RequestId id;
    final String method;
    final RequestOptions options;
    final long startNanos;
    final CompletableFuture<JsonNode> future = new CompletableFuture<>();
    private Deadlines.Key deadline;

    Pending(RequestId id, String method, RequestOptions options, long startNanos) {
      this.id = id;
      this.method = method;
      this.options = options;
      this.startNanos = startNanos;
    }

    /** (Re)starts the timeout: the smaller of "timeout from now" and "what the hard cap leaves". */
    synchronized void armTimer() {
      if (options.timeout() == null || future.isDone()) {
        return;
      }
      long delay = options.timeout().toNanos();
      if (options.hardCap() != null) {
        long left = options.hardCap().toNanos() - (clock.getAsLong() - startNanos);
        delay = Math.min(delay, Math.max(0, left));
      }
      if (deadline != null) {
        deadlines.remove(deadline);
      }
      deadline = deadlines.add(delay, this::expire);
    }

    synchronized void cancelTimer() {
      if (deadline != null) {
        deadlines.remove(deadline);
      }
    }

    private void expire() {
      if (future.isDone()) {
        return;
      }
      // Tell the server before the caller learns: whatever the caller sends next then reaches the server after the
      // cancellation. Should the answer slip in meanwhile, the server ignores a late cancellation, as the spec allows.
      cancelRemotely(id, "timed out");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - startNanos);
      future.completeExceptionally(new RequestTimeoutException(server, method, elapsedMillis));
    }
  }
}
