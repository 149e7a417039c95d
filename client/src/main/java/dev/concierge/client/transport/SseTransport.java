package dev.concierge.client.transport;

import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The deprecated HTTP+SSE transport of protocol version 2024-11-05, for servers that predate Streamable HTTP.
 *
 * <p>{@link #start} opens a GET stream on the SSE URL and waits (at most
 * {@link HttpTransportLimits#endpointTimeout()}) for its {@code endpoint} event, whose data is the URL, possibly
 * relative, to POST messages to; it must have the SSE URL's origin, so that the configured headers never reach
 * another host. Answers and server-initiated messages arrive as {@code message} events on the stream. When the stream
 * ends the transport is dead ({@link TransportListener#onClosed} with a {@link ConnectionClosedException}); the
 * connection layer reconnects with a new instance.
 */
public final class SseTransport implements McpTransport {
  /** What is read of a POST answer; the answer itself comes on the stream, the body is at most an acknowledgement. */
  private static final long ACK_BODY_LIMIT = 64 * 1024;

  private final String server;
  private final URI sseUrl;
  private final Map<String, String> headers;
  private final HttpClient client;
  private final HttpTransportLimits limits;
  private final ExecutorService threads;
  private final HttpExchanges.StreamHandle stream = new HttpExchanges.StreamHandle();
  private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HttpExchanges.GuardedListener listener;
  private volatile URI postUrl;

  /** A transport for {@code config} (its URL is the SSE endpoint) with default limits; {@code client} may be null. */
  public SseTransport(ServerConfig config, HttpClient client) {
    this(config.name(), config.url(), config.headers(), client, HttpTransportLimits.DEFAULTS);
  }

  /**
   * A transport for the SSE endpoint {@code sseUrl} of server {@code server}.
   *
   * @param headers static headers sent with the GET and every POST; never logged
   * @param client a client to share between transports, or {@code null} to build one
   */
  public SseTransport(String server, URI sseUrl, Map<String, String> headers, HttpClient client,
      HttpTransportLimits limits) {
    this.server = Objects.requireNonNull(server, "server");
    this.sseUrl = Objects.requireNonNull(sseUrl, "sseUrl");
    this.headers = Map.copyOf(headers == null ? Map.of() : headers);
    this.client = client != null ? client : HttpExchanges.defaultClient(sseUrl);
    this.limits = Objects.requireNonNull(limits, "limits");
    HttpExchanges.setHeaders(HttpRequest.newBuilder(sseUrl), this.headers, server); // refuse bad headers early
    this.threads = HttpExchanges.streamThreads(server);
  }

  /**
   * Opens the SSE stream and waits for the {@code endpoint} event.
   *
   * @throws TransportException when the GET fails (with its status and a short excerpt of the body), is not an event
   *     stream, or no valid {@code endpoint} event arrives in time
   */
  @Override
  public synchronized void start(TransportListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("transport of server '" + server + "' already started");
    }
    this.listener = new HttpExchanges.GuardedListener(listener);
    long deadline = System.nanoTime() + limits.endpointTimeout().toNanos();
    HttpResponse<InputStream> response = openStream(deadline);
    try {
      threads.execute(() -> readStream(response.body()));
    } catch (RejectedExecutionException e) {
      throw failStart(new TransportException(server, "transport closed", 0, null));
    }
    try {
      postUrl = endpoint.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw failStart(new TransportException(server, "no endpoint event on " + describe() + " within "
          + waited(), response.statusCode(), null));
    } catch (ExecutionException e) {
      throw failStart(e.getCause() instanceof TransportException t ? t
          : new TransportException(server, HttpExchanges.reason(e), response.statusCode(), e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failStart(new TransportException(server, "interrupted while waiting for the endpoint event", 0, e));
    }
  }

  /** The URL messages are POSTed to, once {@link #start} has returned. */
  public URI endpoint() {
    return postUrl;
  }

  @Override
  public CompletableFuture<Void> send(JsonRpcMessage message, SendOptions options) {
    Objects.requireNonNull(message, "message");
    SendOptions opts = options == null ? SendOptions.NONE : options;
    URI target = postUrl;
    if (target == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("send before start"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedError());
    }
    HttpRequest request;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(target)
          .POST(HttpRequest.BodyPublishers.ofString(message.toJsonString(), StandardCharsets.UTF_8));
      HttpExchanges.setHeaders(builder, headers, server);
      HttpExchanges.setHeaders(builder, opts.headers(), server);
      builder.setHeader("Content-Type", HttpExchanges.JSON);
      if (opts.protocolVersion() != null) {
        builder.setHeader(HttpExchanges.PROTOCOL_VERSION, opts.protocolVersion());
      }
      request = builder.build();
    } catch (TransportException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    // The blocking send() on a thread of ours: on fewer than three cores sendAsync completes through a new thread per
    // response (CompletableFuture's default executor), as the Streamable HTTP transport found.
    try {
      threads.execute(() -> {
        HttpResponse<InputStream> response;
        try {
          response = client.send(request, BodyHandlers.ofInputStream());
        } catch (IOException | RuntimeException e) { // sendAsync reported both through its future
          acknowledge(message, null, e, result);
          return;
        } catch (InterruptedException e) { // closing
          Thread.currentThread().interrupt();
          result.completeExceptionally(closedError());
          return;
        }
        acknowledge(message, response, null, result);
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedError());
    }
    return result;
  }

  @Override
  public String describe() {
    return "sse " + HttpExchanges.redacted(sseUrl);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stream.stop();
    endpoint.completeExceptionally(closedError());
    threads.shutdownNow();
    HttpExchanges.GuardedListener current = listener;
    if (current != null) {
      current.onClosed(null);
    }
  }

  private HttpResponse<InputStream> openStream(long deadline) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(sseUrl).GET();
    try {
      HttpExchanges.setHeaders(builder, headers, server);
    } catch (TransportException e) {
      throw failStart(e);
    }
    builder.setHeader("Accept", HttpExchanges.EVENT_STREAM).setHeader("Cache-Control", "no-cache");
    CompletableFuture<HttpResponse<InputStream>> http = client.sendAsync(builder.build(), BodyHandlers.ofInputStream());
    stream.attach(http);
    HttpResponse<InputStream> response;
    try {
      response = http.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw failStart(new TransportException(server, "no answer from " + describe() + " within "
          + waited(), 0, null));
    } catch (ExecutionException e) {
      throw failStart(new TransportException(server, "cannot open " + describe() + ": "
          + HttpExchanges.reason(e), 0, e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failStart(new TransportException(server, "interrupted while opening the SSE stream", 0, e));
    }
    stream.attach(response.body());
    int status = response.statusCode();
    if (!HttpExchanges.isSuccess(status)) {
      String excerpt;
      try {
        excerpt = HttpExchanges.read(response.body(), HttpExchanges.ERROR_BODY_LIMIT).excerpt();
      } catch (IOException e) {
        excerpt = "";
      }
      throw failStart(new TransportException(server, "GET " + describe() + " answered HTTP " + status
          + (excerpt.isEmpty() ? "" : ": " + excerpt), status, null));
    }
    if (!HttpExchanges.isEventStream(response)) {
      throw failStart(new TransportException(server, "GET " + describe() + " answered "
          + response.headers().firstValue("Content-Type").orElse("no content type") + ", not an event stream",
          status, null));
    }
    return response;
  }

  private void readStream(InputStream body) {
    SseMessagePump pump = new SseMessagePump(listener, limits.maxEventBytes());
    SseMessagePump.Outcome outcome = pump.pump(body, new SseMessagePump.Cursor(), null, stream, this::onEvent);
    endpoint.completeExceptionally(
        new TransportException(server, "the SSE stream ended before the endpoint event", 0, outcome.failure()));
    if (closed.compareAndSet(false, true)) { // the server ended it: this transport is dead, the connection reconnects
      threads.shutdown();
      listener.onClosed(new ConnectionClosedException(server, "SSE stream of " + describe() + " ended",
          outcome.failure()));
    }
  }

  private void onEvent(SseEventReader.Event event) {
    if (!"endpoint".equals(event.type()) || endpoint.isDone()) {
      return; // other event types are not part of the protocol; a second endpoint does not move the first
    }
    URI url;
    try {
      url = sseUrl.resolve(event.data().strip());
    } catch (IllegalArgumentException e) {
      endpoint.completeExceptionally(new TransportException(server, "endpoint event holds an invalid URL", 0, null));
      return;
    }
    if (!sameOrigin(url, sseUrl)) {
      endpoint.completeExceptionally(new TransportException(
          server, "endpoint event points to another origin (" + url.getScheme() + "://" + url.getHost() + ")", 0,
          null));
      return;
    }
    endpoint.complete(url);
  }

  private void acknowledge(JsonRpcMessage message, HttpResponse<InputStream> response, Throwable error,
      CompletableFuture<Void> result) {
    if (error != null) {
      result.completeExceptionally(new TransportException(server, "POST to the SSE endpoint failed: "
          + HttpExchanges.reason(error), 0, error));
      return;
    }
    try {
      int status = response.statusCode();
      if (HttpExchanges.isSuccess(status)) {
        HttpExchanges.read(response.body(), ACK_BODY_LIMIT); // "Accepted" or nothing; the answer comes on the stream
        result.complete(null);
        return;
      }
      TransportException failure = HttpExchanges.routeError(server, listener, message, status,
          HttpExchanges.read(response.body(), HttpExchanges.ERROR_BODY_LIMIT));
      if (failure == null) {
        result.complete(null);
      } else {
        result.completeExceptionally(failure);
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(new TransportException(server, "reading the POST answer failed: "
          + HttpExchanges.reason(e), 0, e));
    } finally {
      HttpExchanges.closeQuietly(response.body());
    }
  }

  private TransportException failStart(TransportException failure) {
    closed.set(true); // no onClosed: start() reports the failure itself
    stream.stop();
    threads.shutdownNow();
    return failure;
  }

  private String waited() {
    long millis = limits.endpointTimeout().toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private TransportException closedError() {
    return new TransportException(server, "transport closed", 0, null);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
