package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A {@link TransportListener} that records every call, with waits bounded by generous timeouts. */
final class RecordingListener implements TransportListener {
  static final Duration WAIT = Duration.ofSeconds(20);

  final BlockingQueue<JsonRpcMessage> messages = new LinkedBlockingQueue<>();
  final List<String> malformed = new CopyOnWriteArrayList<>();
  final AtomicInteger closedCalls = new AtomicInteger();
  private final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();
  volatile Consumer<JsonRpcMessage> onEachMessage = message -> {};

  @Override
  public void onMessage(JsonRpcMessage message) {
    messages.add(message);
    onEachMessage.accept(message);
  }

  @Override
  public void onMalformed(String reason) {
    malformed.add(reason);
  }

  @Override
  public void onClosed(Throwable cause) {
    closedCalls.incrementAndGet();
    closed.complete(Optional.ofNullable(cause));
  }

  JsonRpcResponse awaitResponse() throws InterruptedException {
    JsonRpcMessage message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(message).as("a message within %s", WAIT).isInstanceOf(JsonRpcResponse.class);
    return (JsonRpcResponse) message;
  }

  /** The cause passed to {@code onClosed}, empty for an orderly close. */
  Optional<Throwable> awaitClosed() {
    assertThat(closed).succeedsWithin(WAIT);
    return closed.join();
  }
}
