package dev.concierge.client.internal;

import dev.concierge.client.transport.SendOptions;
import java.time.Duration;

/**
 * How one request is sent and how long it may take.
 *
 * @param timeout how long to wait for an answer; each progress notification restarts it; {@code null} waits forever
 *     (only for {@code subscriptions/listen}, whose answer is the end of the stream)
 * @param hardCap the limit progress cannot extend the request beyond; {@code null} for none
 * @param send transport hints (headers, protocol version)
 * @param progress receives progress notifications; when set, the request carries a {@code progressToken}
 */
public record RequestOptions(Duration timeout, Duration hardCap, SendOptions send, ProgressSink progress) {
  /** Receives {@code notifications/progress} params of one request. */
  @FunctionalInterface
  public interface ProgressSink {
    void onProgress(double progress, Double total, String message);
  }

  public RequestOptions {
    send = send == null ? SendOptions.NONE : send;
  }

  public RequestOptions withSend(SendOptions value) {
    return new RequestOptions(timeout, hardCap, value, progress);
  }
}
