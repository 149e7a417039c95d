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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Streamable HTTP transport: one instance per server connection, speaking both protocol eras.
 *
 * <p>Every message is a POST to the MCP endpoint. The answer is a JSON body (delivered before {@link #send}
 * completes), an SSE stream (the send completes once it is open; events are delivered as they arrive, on the thread
 * of the HTTP client's executor that received them), or {@code 202} with nothing. An error status whose body is a JSON-RPC response to the request is delivered
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
  /** How much of a stream is read past its response, and for how long, to keep the connection. */
  private static final long DRAIN_BYTES = 64 * 1024;
  private static final long DRAIN_MILLIS = 5_000;
  /** How long a stream's response waits for the end of its body before it is delivered anyway. */
  private static final long ANSWER_HOLD_MICROS = 1_000;

  private final String server;
  private final HttpEndpoint endpoint;
  private final HttpTransportLimits limits;
  private final ExecutorService threads;
  private final AnswerHold answerHold = new AnswerHold(TimeUnit.MICROSECONDS.toNanos(ANSWER_HOLD_MICROS));
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

  /** Exchanges not yet done with: sent and not answered, or being resumed. For tests: no answered one stays. */
  int openExchanges() {
    return exchanges.size();
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
          .POST(HttpRequest.BodyPublishers.ofByteArray(message.toJsonBytes()));
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
    // The body handler routes by status and type as the headers arrive, and reads the body as the client pushes it,
    // on the client's own threads: no blocking read between the socket and the listener. A JSON body's completion
    // routes the exchange (see collect), a stream's is routed from its send with what its reader kept (see
    // StreamBody), and so is every exchange sent inline. The request goes out with the blocking send(): on the calling thread when
    // it is going to wait for the answer anyway (SendOptions.callerWaits), else on a thread of ours that then just
    // waits. Not sendAsync: it completes its future through CompletableFuture's default executor, which on a machine
    // with fewer than three cores starts a new thread for every response (with the contention that threads coming
    // and going cause); a parked thread costs far less. The HTTP future only routes what fails before there is a
    // body (connect, write, headers); stopping the exchange cancels it, which interrupts the send and so aborts the
    // request.
    CompletableFuture<HttpResponse<Routed>> http = new CompletableFuture<>();
    exchange.attach(http);
    http.whenComplete((response, error) -> {
      if (http.isCancelled()) {
        exchange.interruptSender();
      }
      StreamBody stream = exchange.stream;
      if (stream != null && !http.isCancelled()) { // what a stream's body said is its reader's, its end included
        route(exchange, stream.status, stream.finish(error == null ? null : HttpExchanges.asIo(error)), null);
      } else {
        route(exchange, response == null ? 0 : response.statusCode(), response == null ? null : response.body(),
            error);
      }
    });
    if (exchange.inline) {
      exchange.send(endpoint.client(), request, info -> subscriber(exchange, info), http);
      return exchange.result;
    }
    try {
      threads.execute(() -> exchange.send(endpoint.client(), request, info -> subscriber(exchange, info), http));
    } catch (RejectedExecutionException e) { // close() shut the pool down
      exchanges.remove(exchange);
      exchange.result.completeExceptionally(closedError());
    }
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

  /** How a response is read, decided from its status line and headers; runs on a client thread. */
  private HttpResponse.BodySubscriber<Routed> subscriber(Exchange exchange, HttpResponse.ResponseInfo info) {
    int status = info.statusCode();
    if (status == 404 && exchange.session != null) {
      return collect(Kind.EXPIRED, HttpExchanges.ERROR_BODY_LIMIT, -1, exchange, status);
    }
    captureSession(info.headers());
    if (!HttpExchanges.isSuccess(status)) {
      return collect(Kind.ERROR, HttpExchanges.ERROR_BODY_LIMIT, -1, exchange, status);
    }
    if (status == 202 || status == 204) {
      return collect(Kind.ACCEPTED, HttpExchanges.ERROR_BODY_LIMIT, -1, exchange, status);
    }
    if (HttpExchanges.isEventStream(info.headers())) {
      accepted(exchange); // the send completes once the stream is open; its events follow
      StreamBody stream = new StreamBody(exchange, status);
      exchange.stream = stream;
      return stream.subscriber();
    }
    return collect(Kind.JSON, limits.maxJsonBytes(),
        info.headers().firstValueAsLong("Content-Length").orElse(-1), exchange, status);
  }

  /** A bounded body, routed as soon as it has been read, on the client thread that read its end. */
  private HttpResponse.BodySubscriber<Routed> collect(Kind kind, long limit, long declared, Exchange exchange,
      int status) {
    HttpExchanges.BoundedBody body = new HttpExchanges.BoundedBody(limit, declared, exchange);
    if (!exchange.inline) { // an inline exchange is routed by its sender (see Exchange.send)
      body.getBody().whenComplete((read, error) -> route(exchange, status,
          error == null ? new Routed(kind, read, null, null) : null, error));
    }
    return HttpResponse.BodySubscribers.mapping(body, read -> new Routed(kind, read, null, null));
  }

  /**
   * Once the body has been read (for a stream: once it is done with), on the thread that finished it; or once the
   * exchange failed without a body. Only the first call for an exchange counts.
   */
  private void route(Exchange exchange, int status, Routed routed, Throwable error) {
    if (!exchange.routed.compareAndSet(false, true)) {
      return;
    }
    boolean done = true;
    try {
      if (exchange.isStopped()) {
        exchange.result.completeExceptionally(closedError()); // an abandoned exchange has failed already
      } else if (error != null) {
        exchange.result.completeExceptionally(new TransportException(
            server, "POST to " + HttpExchanges.redacted(endpoint.uri()) + " failed: " + HttpExchanges.reason(error), 0,
            error));
      } else {
        done = routeResponse(exchange, status, routed);
      }
    } catch (TransportException e) {
      exchange.result.completeExceptionally(e);
    } catch (RuntimeException e) {
      exchange.result.completeExceptionally(new TransportException(
          server, "reading the response failed: " + HttpExchanges.reason(e), 0, e));
    } finally {
      if (done) {
        exchanges.remove(exchange);
      }
    }
  }

  /** Returns {@code false} when the exchange lives on (its stream is being resumed). */
  private boolean routeResponse(Exchange exchange, int status, Routed routed) {
    switch (routed.kind()) {
      case EXPIRED -> {
        expireSession(exchange.session);
        exchange.result.completeExceptionally(new SessionExpiredException(server));
      }
      case ERROR -> {
        if (status == 400 && exchange.session != null && mentionsSessionId(routed.body())) {
          expireSession(exchange.session);
          exchange.result.completeExceptionally(new SessionExpiredException(server));
          return true;
        }
        TransportException failure =
            HttpExchanges.routeError(server, listener, exchange.message, status, routed.body());
        if (failure == null) {
          exchange.result.complete(null);
        } else {
          exchange.result.completeExceptionally(failure);
        }
      }
      case ACCEPTED -> accepted(exchange);
      case JSON -> {
        JsonRpcMessage answer = HttpExchanges.parseJsonAnswer(server, status, routed.body(), limits.maxJsonBytes());
        if (answer != null) { // null: an empty 200, as some servers answer a notification
          listener.onMessage(answer);
        }
        accepted(exchange);
      }
      case STREAM -> {
        return streamEnded(exchange, routed);
      }
    }
    return true;
  }

  /** The accepted notification opened the legacy GET stream. */
  private void accepted(Exchange exchange) {
    exchange.result.complete(null);
    if (exchange.message instanceof JsonRpcNotification notification
        && McpMethods.INITIALIZED.equals(notification.method())) {
      negotiatedVersion = exchange.options.protocolVersion();
      openStandalone();
    }
  }

  /**
   * A response stream ended (or delivered its response). Without the response, a legacy stream is resumed on a thread
   * of ours, since that waits; otherwise the request gets the lost-stream error. Returns whether the exchange is done.
   */
  private boolean streamEnded(Exchange exchange, Routed routed) {
    RequestId awaited = exchange.requestId();
    SseMessagePump.Outcome outcome = routed.outcome();
    if (outcome.answered() || awaited == null) {
      return true;
    }
    if (exchange.modern || !routed.cursor().hasEventId()) {
      streamLost(exchange, awaited, null);
      return true;
    }
    try {
      threads.execute(() -> {
        try {
          // Legacy resumption: a GET with Last-Event-ID asks the server to replay the rest of this stream.
          streamLost(exchange, awaited, getLoop.run(exchange, exchange.options.protocolVersion(), exchange.session,
              routed.cursor(), awaited, () -> legacyStreamsEnabled && stillIn(exchange.session), outcome));
        } finally {
          exchanges.remove(exchange);
        }
      });
      return false;
    } catch (RejectedExecutionException e) {
      return true; // closing
    }
  }

  private void streamLost(Exchange exchange, RequestId awaited, GetStreamLoop.End end) {
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

  private void captureSession(HttpHeaders headers) {
    headers.firstValue(HttpExchanges.SESSION_ID).ifPresent(value -> {
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
    /** Sent on the thread that waits for the answer: the answer is not held back for the end of its body. */
    final boolean inline;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    /** Set by the first of the body's completion and the HTTP future's to route the exchange. */
    final AtomicBoolean routed = new AtomicBoolean();
    /** The thread blocked in {@link #send} while it is. */
    private Thread sender;
    /** {@link #interruptSender} interrupted it: the interrupt is ours to clear. */
    private boolean interruptedByStop;
    /** The reader of its SSE response, once the headers said it is one. */
    volatile StreamBody stream;

    Exchange(JsonRpcMessage message, SendOptions options, String session) {
      this.message = message;
      this.options = options;
      this.session = session;
      this.modern = isModern(options.protocolVersion());
      this.inline = options.callerWaits() && message instanceof JsonRpcRequest;
    }

    RequestId requestId() {
      return message instanceof JsonRpcRequest request ? request.id() : null;
    }

    /**
     * Sends {@code request} and waits for its body to be done with, on the calling thread (the transport's, or the
     * caller's when {@link #inline}); completes {@code http} with the outcome. Not at all when the exchange was
     * stopped before.
     */
    void send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<Routed> handler,
        CompletableFuture<HttpResponse<Routed>> http) {
      synchronized (this) {
        if (isStopped()) {
          return; // stop() cancelled http already
        }
        sender = Thread.currentThread();
      }
      try {
        http.complete(client.send(request, handler));
      } catch (InterruptedException e) {
        if (interruptIsOurs() || !inline) {
          http.completeExceptionally(e); // stopped or cut short by us: routed as such (cancelled http: no change)
        } else {
          // The caller was interrupted: the client has aborted the request. The exchange stays unrouted (so its
          // broken body is not taken for a lost stream), and the caller, finding itself interrupted, gives the call
          // up the way it would while waiting for the answer: cancelling it tells the server and stops the exchange.
          Thread.currentThread().interrupt();
        }
      } catch (IOException | RuntimeException e) {
        // send() wraps what failed in a new exception of the same kind; the one sendAsync gave is its cause
        http.completeExceptionally(e.getCause() != null ? e.getCause() : e);
      } finally {
        synchronized (this) {
          sender = null;
          if (interruptedByStop || !inline) {
            Thread.interrupted(); // a stop that came as the send returned must not reach the thread's next task
          }
        }
      }
    }

    private synchronized boolean interruptIsOurs() {
      return interruptedByStop || isStopped();
    }

    /**
     * Aborts a send in progress: the client cancels the request when its sending thread is interrupted. Also how a
     * body is cut short (its subscriber is the JDK's, whose subscription we never see): the connection goes with it.
     */
    synchronized void interruptSender() {
      if (sender != null) {
        interruptedByStop = true;
        sender.interrupt();
      }
    }
  }

  private enum Kind { EXPIRED, ERROR, ACCEPTED, JSON, STREAM }

  /** A response as read: the bounded body, or for a stream how it ended and where it stood. */
  private record Routed(Kind kind, HttpExchanges.Body body, SseMessagePump.Outcome outcome,
      SseMessagePump.Cursor cursor) {}

  /**
   * Reads an SSE response as the client pushes it: each chunk goes straight through the event reader to the listener
   * on the delivering thread; the client asks for more only after that (backpressure). The subscriber is the JDK's
   * own consumer subscriber, not one of ours: for a subscriber of its users the client calls {@code getBody()}
   * through its executor, a hand-off to another thread for every response (docs/BENCHMARKS.md). Its body is
   * {@code Void}; what was read is here ({@link #finish}), and the exchange is routed from its send.
   *
   * <p>For a send no caller waits on, the response itself is held back until the body ends, normally right after it
   * (the end of the chunked stream), for at most {@link #ANSWER_HOLD_MICROS}: the client puts the connection back in
   * its pool before the body completes, so the caller the response wakes finds it there instead of opening another.
   * Past the hold the response goes, and the rest of the body is read and dropped so that the connection can be
   * reused; a server that keeps talking or stays silent loses it after {@link #DRAIN_BYTES} or {@link #DRAIN_MILLIS}.
   * A caller that sends inline is not held (the send returns once the body has ended); if the body goes on past the
   * hold, the connection is dropped, since the caller waits in that send.
   */
  private final class StreamBody implements java.util.function.Consumer<java.util.Optional<byte[]>> {
    private final Exchange exchange;
    final int status;
    private final SseMessagePump.Cursor cursor = new SseMessagePump.Cursor();
    private final SseMessagePump.Feed feed;
    private Routed finished; // guarded by this
    private final Runnable release = this::releaseAfterHold;
    private long drained;
    private volatile boolean ended; // the body ended: its connection may serve another exchange, never cut it then

    StreamBody(Exchange exchange, int status) {
      this.exchange = exchange;
      this.status = status;
      this.feed = pump.open(cursor, exchange.requestId(), exchange, null);
      if (!exchange.inline) { // an inline sender is what the caller waits on: it returns once the body has ended
        feed.holdAnswer();
      }
    }

    @SuppressWarnings("unchecked")
    HttpResponse.BodySubscriber<Routed> subscriber() {
      // Its body is Void, never read as a Routed (the exchange's routing asks this reader): only the type differs.
      return (HttpResponse.BodySubscriber<Routed>) (HttpResponse.BodySubscriber<?>)
          HttpResponse.BodySubscribers.ofByteArrayConsumer(this);
    }

    @Override
    public void accept(java.util.Optional<byte[]> chunk) {
      if (chunk.isEmpty()) {
        ended = true;
        finish(null);
        return;
      }
      byte[] bytes = chunk.get();
      boolean answeredBefore = feed.isDone();
      if (answeredBefore) {
        drained += bytes.length;
      } else {
        try {
          feed.feed(ByteBuffer.wrap(bytes));
        } catch (RuntimeException e) {
          finish(new IOException("reading the stream failed: " + HttpExchanges.reason(e), e));
          cut();
          return;
        }
      }
      if (exchange.isStopped() || drained > DRAIN_BYTES) {
        finish(null);
        cut();
        return;
      }
      if (feed.isDone() && !answeredBefore) {
        answerHold.hold(release); // the response waits for the end of the body (the empty chunk), or this
      }
    }

    /** Ends the body early: the send is aborted, and the connection with it. */
    private void cut() {
      if (!ended) {
        exchange.interruptSender();
      }
    }

    /**
     * The body did not end within the hold: the response goes now; the rest of the body is drained for a while, or
     * cut at once when the caller waits in the send. On the transport's threads (the hold's timer only hands over).
     */
    private void releaseAfterHold() {
      try {
        threads.execute(() -> {
          route(exchange, status, finish(null), null);
          if (exchange.inline) {
            cut();
          } else if (!ended) {
            CompletableFuture.delayedExecutor(DRAIN_MILLIS, TimeUnit.MILLISECONDS, threads).execute(this::cut);
          }
        });
      } catch (RejectedExecutionException e) { // closed: its exchanges are failed, this one just ends
        finish(null);
      }
    }

    /** What the stream said, its end included; the first call decides ({@code failure}: what broke it, or null). */
    Routed finish(IOException failure) {
      answerHold.cancel(release);
      feed.release(); // a held answer goes once; outside the monitor, as it runs the session's callbacks
      synchronized (this) {
        if (finished == null) {
          finished = new Routed(Kind.STREAM, null, feed.finish(failure), cursor);
        }
        return finished;
      }
    }
  }
}
