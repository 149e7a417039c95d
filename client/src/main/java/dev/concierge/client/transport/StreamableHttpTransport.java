package dev.concierge.client.transport;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.SessionExpiredException;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.ProtocolVersion;
import dev.concierge.protocol.RequestId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Streamable HTTP transport: one instance per server connection, speaking both protocol eras.
 *
 * <p>Every message is a POST to the MCP endpoint. The answer is a JSON body (delivered before {@link #send}
 * completes), an SSE stream (the send completes once it is open; events are delivered by a background thread as they
 * arrive), or {@code 202} with nothing. An error status whose body is a JSON-RPC response to the request is delivered
 * as that response; a {@code 404} to a request that carried the session id clears it and fails with
 * {@link SessionExpiredException} (so does a {@code 400} whose body speaks of the session id, as servers built on the
 * SDK examples answer that way). Body sizes are bounded by {@link HttpTransportLimits}.
 *
 * <p>Legacy era (2025-03-26 to 2025-11-25): the {@code Mcp-Session-Id} a response carries is sent on every later
 * request and ended with a DELETE on {@link #close}. Once {@code notifications/initialized} has been accepted, a
 * standalone GET stream carries server-initiated messages; it is reopened when it ends (honoring {@code retry} and
 * sending {@code Last-Event-ID}), and a POST stream that breaks before its response is resumed the same way. Both stop
 * after {@link HttpTransportLimits#maxReconnectAttempts()} fruitless attempts; a lost stream never kills the transport.
 *
 * <p>Modern era (2026-07-28 and later): no session, no GET stream, no resumption, matching the spec's backward
 * compatibility section. The era of each message is read from {@link SendOptions#protocolVersion()}, so the session
 * layer needs no extra call; {@link #setLegacyStreamsEnabled} switches the legacy streams off entirely. Closing a
 * request's response stream is its cancellation, which is what {@link #abandon} does.
 *
 * <p>A request whose response stream ends without the response, and cannot be resumed, gets a synthetic JSON-RPC
 * error (see {@link #isStreamLost}) so that its caller fails at once instead of at its timeout. Resuming stops at once
 * when nothing listens at the endpoint any more: the server process, and whatever it could have replayed, is gone.
 */
public final class StreamableHttpTransport implements McpTransport {
  private final String server;
  private final HttpEndpoint endpoint;
  private final HttpTransportLimits limits;
  private final ExecutorService threads;
  private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> sessionId = new AtomicReference<>();
  private final AtomicReference<HttpExchanges.StreamHandle> standalone = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HttpExchanges.GuardedListener listener;
  private volatile SseMessagePump pump;
  private volatile GetStreamLoop getLoop;
  private volatile boolean legacyStreamsEnabled = true;
  private volatile boolean getUnsupported;
  private volatile String negotiatedVersion;

  /** A transport for {@code config} with default limits; {@code client} may be shared, or {@code null}. */
  public StreamableHttpTransport(ServerConfig config, HttpClient client) {
    this(config.name(), config.url(), config.headers(), client, HttpTransportLimits.DEFAULTS);
  }

  /**
   * A transport for the MCP endpoint {@code endpoint} of server {@code server}.
   *
   * @param headers static headers sent with every request (auth, tenant); never logged
   * @param client a client to share between transports, or {@code null} to build one
   */
  public StreamableHttpTransport(String server, URI endpoint, Map<String, String> headers, HttpClient client,
      HttpTransportLimits limits) {
    this.server = Objects.requireNonNull(server, "server");
    this.endpoint = new HttpEndpoint(server, endpoint, headers, client);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.threads = HttpExchanges.streamThreads(server);
  }

  @Override
  public synchronized void start(TransportListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("transport of server '" + server + "' already started");
    }
    HttpExchanges.GuardedListener guarded = new HttpExchanges.GuardedListener(listener);
    this.pump = new SseMessagePump(guarded, limits.maxEventBytes());
    this.getLoop = new GetStreamLoop(endpoint, pump, limits);
    this.listener = guarded; // last: send() takes a non-null listener to mean "started"
  }

  /** The session id the server assigned (legacy era), or {@code null}. */
  public String sessionId() {
    return sessionId.get();
  }

  /**
   * Switches the legacy-era streams on or off: the standalone GET stream and resuming broken POST streams. On by
   * default; they only ever start for legacy-era traffic. Switching off stops a GET stream that is open.
   */
  public void setLegacyStreamsEnabled(boolean enabled) {
    legacyStreamsEnabled = enabled;
    if (!enabled) {
      stopStandalone();
    }
  }

  @Override
  public CompletableFuture<Void> send(JsonRpcMessage message, SendOptions options) {
    Objects.requireNonNull(message, "message");
    SendOptions opts = options == null ? SendOptions.NONE : options;
    if (listener == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("send before start"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedError());
    }
    Exchange exchange = new Exchange(message, opts, sessionId.get());
    HttpRequest request;
    try {
      HttpRequest.Builder builder = endpoint.request(opts.protocolVersion(), exchange.session, opts.headers())
          .POST(HttpRequest.BodyPublishers.ofString(message.toJsonString(), StandardCharsets.UTF_8));
      builder.setHeader("Content-Type", HttpExchanges.JSON)
          .setHeader("Accept", HttpExchanges.JSON + ", " + HttpExchanges.EVENT_STREAM);
      request = builder.build();
    } catch (TransportException e) {
      return CompletableFuture.failedFuture(e);
    }
    exchanges.add(exchange);
    if (closed.get()) { // close() may have swept the set before this exchange joined it
      exchanges.remove(exchange);
      return CompletableFuture.failedFuture(closedError());
    }
    CompletableFuture<HttpResponse<InputStream>> http =
        endpoint.client().sendAsync(request, BodyHandlers.ofInputStream());
    exchange.attach(http);
    http.whenComplete((response, error) -> {
      try {
        // Off the client's threads: reading a body blocks, and an SSE body can last as long as its request.
        threads.execute(() -> route(exchange, response, error));
      } catch (RejectedExecutionException e) {
        if (response != null) {
          HttpExchanges.closeQuietly(response.body());
        }
        exchange.result.completeExceptionally(closedError());
      }
    });
    return exchange.result;
  }

  /**
   * Stops waiting for request {@code id}: closes its response stream or cancels its POST. Returns {@code true} when
   * that is the request's cancellation (2026-07-28 and later); for a legacy request the resources are freed all the
   * same, but {@code false} tells the session to send {@code notifications/cancelled}.
   */
  @Override
  public boolean abandon(RequestId id) {
    boolean cancelled = false;
    for (Exchange exchange : exchanges) {
      if (id.equals(exchange.requestId())) {
        exchanges.remove(exchange);
        // Fail the send first: stopping the exchange completes its HTTP future, whose routing would race us.
        exchange.result.completeExceptionally(
            new TransportException(server, "request " + id + " abandoned", 0, null));
        exchange.stop();
        cancelled |= exchange.modern;
      }
    }
    return cancelled;
  }

  @Override
  public String describe() {
    return "http " + HttpExchanges.redacted(endpoint.uri());
  }

  /** Ends the session (DELETE, bounded wait, 405 ignored), aborts every stream, then reports {@code onClosed(null)}. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopStandalone();
    TransportException gone = closedError();
    for (Exchange exchange : exchanges) {
      exchange.stop();
      exchange.result.completeExceptionally(gone);
    }
    exchanges.clear();
    String session = sessionId.getAndSet(null);
    if (session != null) {
      endpoint.deleteSession(negotiatedVersion, session, limits.closeTimeout());
    }
    threads.shutdownNow();
    HttpExchanges.GuardedListener current = listener;
    if (current != null) {
      current.onClosed(null);
    }
  }

  private void route(Exchange exchange, HttpResponse<InputStream> response, Throwable error) {
    try {
      if (error != null) {
        exchange.result.completeExceptionally(new TransportException(
            server, "POST to " + HttpExchanges.redacted(endpoint.uri()) + " failed: " + HttpExchanges.reason(error), 0,
            error));
        return;
      }
      exchange.attach(response.body());
      routeResponse(exchange, response);
    } catch (TransportException e) {
      exchange.result.completeExceptionally(e);
    } catch (IOException | RuntimeException e) {
      exchange.result.completeExceptionally(new TransportException(
          server, "reading the response failed: " + HttpExchanges.reason(e), 0, e));
    } finally {
      exchanges.remove(exchange);
      if (response != null) {
        HttpExchanges.closeQuietly(response.body());
      }
    }
  }

  private void routeResponse(Exchange exchange, HttpResponse<InputStream> response) throws IOException {
    int status = response.statusCode();
    InputStream body = response.body();
    if (status == 404 && exchange.session != null) {
      expireSession(exchange.session);
      exchange.result.completeExceptionally(new SessionExpiredException(server));
      return;
    }
    captureSession(response);
    if (!HttpExchanges.isSuccess(status)) {
      HttpExchanges.Body text = HttpExchanges.read(body, HttpExchanges.ERROR_BODY_LIMIT);
      if (status == 400 && exchange.session != null && mentionsSessionId(text)) {
        expireSession(exchange.session);
        exchange.result.completeExceptionally(new SessionExpiredException(server));
        return;
      }
      TransportException failure = HttpExchanges.routeError(server, listener, exchange.message, status, text);
      if (failure == null) {
        exchange.result.complete(null);
      } else {
        exchange.result.completeExceptionally(failure);
      }
      return;
    }
    if (status == 202 || status == 204) {
      accepted(exchange);
      return;
    }
    if (HttpExchanges.isEventStream(response)) {
      accepted(exchange);
      readResponseStream(exchange, body);
      return;
    }
    JsonRpcMessage answer = HttpExchanges.readJsonAnswer(server, response, limits.maxJsonBytes());
    if (answer != null && !exchange.isStopped()) { // null: an empty 200, as some servers answer a notification
      listener.onMessage(answer);
    }
    accepted(exchange);
  }

  /** The server took the message; an accepted {@code notifications/initialized} opens the legacy GET stream. */
  private void accepted(Exchange exchange) {
    exchange.result.complete(null);
    if (exchange.message instanceof JsonRpcNotification notification
        && McpMethods.INITIALIZED.equals(notification.method())) {
      negotiatedVersion = exchange.options.protocolVersion();
      openStandalone();
    }
  }

  private void readResponseStream(Exchange exchange, InputStream body) {
    RequestId awaited = exchange.requestId();
    SseMessagePump.Cursor cursor = new SseMessagePump.Cursor();
    SseMessagePump.Outcome outcome = pump.pump(body, cursor, awaited, exchange, null);
    if (outcome.answered() || awaited == null) {
      return;
    }
    GetStreamLoop.End end = null;
    if (!exchange.modern && cursor.hasEventId()) {
      // Legacy resumption: a GET with Last-Event-ID asks the server to replay the rest of this stream.
      end = getLoop.run(exchange, exchange.options.protocolVersion(), exchange.session, cursor, awaited,
          () -> legacyStreamsEnabled && stillIn(exchange.session), outcome);
    }
    if (end != GetStreamLoop.End.ANSWERED && !exchange.isStopped() && !closed.get()) {
      listener.onMessage(SseMessagePump.streamLost(awaited, end == GetStreamLoop.End.UNREACHABLE));
    }
  }

  /**
   * Whether {@code error} is the one this transport delivers for a request whose response stream ended for good
   * before its response: code {@code -32000} with {@code data.streamLost}; {@code data.serverUnreachable} is
   * {@code true} when reconnecting found nothing listening at the endpoint (the server process is gone). The session
   * maps it to a lost connection rather than to an error of the server.
   */
  public static boolean isStreamLost(JsonRpcError error) {
    return SseMessagePump.isStreamLost(error);
  }

  /**
   * Servers built on the TypeScript and Python SDK examples (the reference "everything" server among them) answer an
   * unknown session with 400 "No valid session ID provided" instead of the 404 the spec asks for.
   */
  private static boolean mentionsSessionId(HttpExchanges.Body body) {
    return body.text().toLowerCase(Locale.ROOT).contains("session id");
  }

  private void openStandalone() {
    if (!legacyStreamsEnabled || getUnsupported || closed.get() || isModern(negotiatedVersion)) {
      return;
    }
    HttpExchanges.StreamHandle next = new HttpExchanges.StreamHandle();
    HttpExchanges.StreamHandle previous = standalone.getAndSet(next);
    if (previous != null) {
      previous.stop();
    }
    String session = sessionId.get();
    String version = negotiatedVersion;
    try {
      threads.execute(() -> {
        GetStreamLoop.End end = getLoop.run(next, version, session, new SseMessagePump.Cursor(), null,
            () -> stillIn(session), null);
        if (end == GetStreamLoop.End.UNSUPPORTED) {
          getUnsupported = true; // allowed by the spec: this server sends nothing unsolicited
        }
      });
    } catch (RejectedExecutionException e) {
      next.stop(); // closing
    }
  }

  /** Whether the transport is open and still in {@code session} (no re-initialization or expiry since). */
  private boolean stillIn(String session) {
    return !closed.get() && Objects.equals(session, sessionId.get());
  }

  private void stopStandalone() {
    HttpExchanges.StreamHandle stream = standalone.getAndSet(null);
    if (stream != null) {
      stream.stop();
    }
  }

  private void captureSession(HttpResponse<?> response) {
    response.headers().firstValue(HttpExchanges.SESSION_ID).ifPresent(value -> {
      if (HttpExchanges.isVisibleAscii(value)) {
        sessionId.set(value);
      } else {
        listener.onMalformed("ignored an Mcp-Session-Id header that is not visible ASCII");
      }
    });
  }

  /** Forgets {@code expired} unless a newer session replaced it meanwhile. */
  private void expireSession(String expired) {
    if (sessionId.compareAndSet(expired, null)) {
      stopStandalone();
    }
  }

  private TransportException closedError() {
    return new TransportException(server, "transport closed", 0, null);
  }

  /** Versions are dates; everything from 2026-07-28 on is the modern era. */
  private static boolean isModern(String version) {
    return version != null && version.compareTo(ProtocolVersion.V2026_07_28.id()) >= 0;
  }

  /** One POST and whatever streams from it, until its response has been routed. */
  private static final class Exchange extends HttpExchanges.StreamHandle {
    final JsonRpcMessage message;
    final SendOptions options;
    final String session;
    final boolean modern;
    final CompletableFuture<Void> result = new CompletableFuture<>();

    Exchange(JsonRpcMessage message, SendOptions options, String session) {
      this.message = message;
      this.options = options;
      this.session = session;
      this.modern = isModern(options.protocolVersion());
    }

    RequestId requestId() {
      return message instanceof JsonRpcRequest request ? request.id() : null;
    }
  }
}
