package dev.concierge.client.transport;

import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** What both HTTP transports do alike: headers, bounded bodies, error statuses, a listener that cannot hurt them. */
final class HttpExchanges {
  static final String SESSION_ID = "Mcp-Session-Id";
  static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
  static final String LAST_EVENT_ID = "Last-Event-ID";
  static final String JSON = "application/json";
  static final String EVENT_STREAM = "text/event-stream";
  /** Error bodies only feed an excerpt or a JSON-RPC error object; no need to hold more. */
  static final long ERROR_BODY_LIMIT = 1 << 20;
  private static final int EXCERPT_CHARS = 200;
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private HttpExchanges() {}

  /**
   * The client a transport builds when none is shared: HTTP/1.1 on plain {@code http} because the JDK's cleartext
   * HTTP/2 upgrade attempt confuses some servers, ALPN-negotiated HTTP/2 on {@code https}.
   */
  static HttpClient defaultClient(URI url) {
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    return HttpClient.newBuilder()
        .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .executor(streamThreads("client"))
        .connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /**
   * Daemon threads, idle ones expire: a default client's executor, and blocking work (POSTs waiting for their answer,
   * GET streams, resumption).
   */
  static ExecutorService streamThreads(String server) {
    return Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "concierge-http-" + server + "-" + THREAD_IDS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Sets every header, replacing earlier values. The JDK refuses some names ({@code Host}, {@code Connection}, ...)
   * and values with line breaks; that becomes a {@link TransportException} naming the header but never its value.
   */
  static void setHeaders(HttpRequest.Builder builder, Map<String, String> headers, String server) {
    for (Map.Entry<String, String> header : headers.entrySet()) {
      try {
        builder.setHeader(header.getKey(), header.getValue());
      } catch (IllegalArgumentException e) {
        throw new TransportException(server,
            "HTTP header '" + header.getKey() + "' is not allowed or has an invalid value", 0, null);
      }
    }
  }

  static boolean isEventStream(HttpResponse<?> response) {
    return isEventStream(response.headers());
  }

  static boolean isEventStream(HttpHeaders headers) {
    return headers.firstValue("Content-Type")
        .map(type -> type.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM)).orElse(false);
  }

  static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  /** Whether a session id is usable as a header value: 0x21-0x7E only, as the spec requires. */
  static boolean isVisibleAscii(String value) {
    return !value.isEmpty() && value.length() <= 4096 && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
  }

  /** The URL without user info, for messages and {@code describe()}. */
  static String redacted(URI url) {
    if (url.getUserInfo() == null) {
      return url.toString();
    }
    try {
      return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), url.getQuery(),
          url.getFragment()).toString();
    } catch (URISyntaxException e) {
      return url.getScheme() + "://" + url.getHost();
    }
  }

  /** A body read up to a limit; {@code truncated} when the server sent more (the rest was not read). */
  record Body(byte[] bytes, boolean truncated) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    /** At most 200 characters of the body, control characters flattened, for an error message. */
    String excerpt() {
      String text = new String(bytes, 0, Math.min(bytes.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8)
          .replaceAll("\\p{Cntrl}+", " ").strip();
      return text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) + "..." : text;
    }
  }

  /** Reads at most {@code limit} bytes and closes the stream, which abandons whatever the server still sends. */
  static Body read(InputStream in, long limit) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (total + n > limit) {
          out.write(buffer, 0, (int) (limit - total));
          return new Body(out.toByteArray(), true);
        }
        out.write(buffer, 0, n);
        total += n;
      }
      return new Body(out.toByteArray(), false);
    }
  }

  static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException | RuntimeException ignored) {
        // Closing only ever aborts a stream we no longer want.
      }
    }
  }

  /**
   * Handles an error status: when the body is a JSON-RPC response to {@code sent} (an id-less error counts, since
   * HTTP pairs it with this POST) it goes to the listener and {@code null} is returned; otherwise the failure for the
   * send, naming the status and quoting at most 200 characters.
   */
  static TransportException routeError(String server, TransportListener listener, JsonRpcMessage sent, int status,
      Body text) {
    JsonRpcResponse answer = parseResponse(text);
    if (answer != null && sent instanceof JsonRpcRequest request
        && (answer.id() == null || answer.id().equals(request.id()))) {
      listener.onMessage(answer.id() != null ? answer
          : new JsonRpcResponse(request.id(), answer.result(), answer.error()));
      return null;
    }
    String detail = answer != null && answer.isError() ? answer.error().message() : text.excerpt();
    if (detail.length() > EXCERPT_CHARS) {
      detail = detail.substring(0, EXCERPT_CHARS) + "...";
    }
    return new TransportException(server, "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail), status, null);
  }

  /**
   * The JSON answer in {@code json} (read with {@code limit}): the message, or {@code null} for an empty body.
   *
   * @throws TransportException when the body was truncated or is not a JSON-RPC message
   */
  static JsonRpcMessage parseJsonAnswer(String server, int status, Body json, long limit) {
    if (json.truncated()) {
      throw new TransportException(server, "response body exceeds " + limit + " bytes", status, null);
    }
    String text = json.text(); // decoded once: blank check and parser read the same String
    if (text.isBlank()) {
      return null;
    }
    try {
      return JsonRpcMessage.parse(text);
    } catch (McpException e) {
      throw new TransportException(
          server, "HTTP " + status + " body is not a JSON-RPC message: " + json.excerpt(), status, null);
    }
  }

  /**
   * Collects a response body pushed by the HTTP client, at most {@code limit} bytes: past that it cancels the body
   * (dropping the connection) and completes with what it kept, marked truncated. Stopping {@code handle} cancels it.
   */
  static final class BoundedBody implements HttpResponse.BodySubscriber<Body> {
    /** First capacity when the length is not declared: most answers without one are small. */
    private static final int UNDECLARED_CAPACITY = 1024;
    private final long limit;
    private final StreamHandle handle;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    /** Sized to the declared length when there is one, so that the usual body is copied once and never grown. */
    private byte[] bytes;
    private int size;
    private Flow.Subscription subscription;

    /** {@code declared}: the Content-Length, or -1; when above the limit nothing is read at all. */
    BoundedBody(long limit, long declared, StreamHandle handle) {
      this.limit = declared > limit ? 0 : limit;
      this.handle = handle;
      this.bytes = new byte[declared >= 0 && declared <= this.limit ? (int) declared
          : (int) Math.min(UNDECLARED_CAPACITY, this.limit)];
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      handle.attachCloser(() -> {
        if (!result.isDone()) { // once done, the connection may already serve another exchange
          s.cancel();
          result.completeExceptionally(new IOException("exchange stopped"));
        }
      });
      if (limit == 0) {
        s.cancel();
        result.complete(new Body(new byte[0], true));
      } else if (!result.isDone()) {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : items) {
        int n = buffer.remaining();
        if (size + (long) n > limit) {
          write(buffer, (int) (limit - size));
          subscription.cancel();
          result.complete(new Body(kept(), true));
          return;
        }
        write(buffer, n);
      }
    }

    /** Copies the first {@code n} bytes of {@code buffer} (the client's are read-only: no backing array to share). */
    private void write(ByteBuffer buffer, int n) {
      if (size + n > bytes.length) {
        long grown = Math.min(Math.min(limit, Integer.MAX_VALUE - 8), Math.max(size + n, 2L * bytes.length));
        bytes = java.util.Arrays.copyOf(bytes, (int) grown);
      }
      buffer.duplicate().get(bytes, size, n);
      size += n;
    }

    private byte[] kept() {
      return size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(new Body(kept(), false));
    }

    @Override
    public CompletionStage<Body> getBody() {
      return result;
    }
  }

  private static JsonRpcResponse parseResponse(Body body) {
    if (body.truncated()) {
      return null;
    }
    String text = body.text();
    if (text.isBlank()) {
      return null;
    }
    try {
      return JsonRpcMessage.parse(text) instanceof JsonRpcResponse response ? response : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A short description of why an exchange failed, without the cause's stack or any header. */
  static String reason(Throwable error) {
    Throwable cause = unwrap(error);
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  /** {@code error} as the I/O failure of a body: itself when it is one (unwrapped), else wrapped with its reason. */
  static IOException asIo(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof IOException io ? io : new IOException(reason(cause), cause);
  }

  /** What failed, out of the wrappers futures put around it. */
  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * One HTTP exchange whose response may stream for a long time: the pending future and then the body, so that
   * {@link #stop} can abort it from any thread, before or after the headers arrived.
   */
  static class StreamHandle {
    private volatile CompletableFuture<?> pending;
    private volatile Runnable closer;
    private volatile boolean stopped;

    final void attach(CompletableFuture<?> future) {
      pending = future;
      if (stopped) {
        future.cancel(true);
      }
    }

    final void attach(InputStream in) {
      attachCloser(() -> closeQuietly(in));
    }

    /** What aborts the body being read: closing its stream, or cancelling its subscription. */
    final void attachCloser(Runnable close) {
      closer = close;
      if (stopped) {
        close.run();
      }
    }

    final boolean isStopped() {
      return stopped;
    }

    /** Aborts the exchange: cancels the request in flight or closes the body, which drops the connection. */
    final void stop() {
      stopped = true;
      CompletableFuture<?> future = pending;
      if (future != null) {
        future.cancel(true);
      }
      Runnable close = closer;
      if (close != null) {
        close.run();
      }
    }
  }

  /**
   * Shields a transport from its listener: an exception thrown by a callback is reported (as malformed input) instead
   * of killing a reader thread, nothing is delivered after {@code onClosed}, and {@code onClosed} runs at most once.
   */
  static final class GuardedListener implements TransportListener {
    private final TransportListener delegate;
    private final AtomicBoolean closed = new AtomicBoolean();

    GuardedListener(TransportListener delegate) {
      this.delegate = Objects.requireNonNull(delegate, "listener");
    }

    @Override
    public void onMessage(JsonRpcMessage message) {
      if (closed.get()) {
        return;
      }
      try {
        delegate.onMessage(message);
      } catch (RuntimeException e) {
        onMalformed("listener failed on a message: " + reason(e));
      }
    }

    @Override
    public void onMalformed(String reason) {
      if (closed.get()) {
        return;
      }
      try {
        delegate.onMalformed(reason);
      } catch (RuntimeException ignored) {
        // A listener that cannot even log must not take the reader thread with it.
      }
    }

    @Override
    public void onClosed(Throwable cause) {
      if (closed.compareAndSet(false, true)) {
        try {
          delegate.onClosed(cause);
        } catch (RuntimeException ignored) {
          // The transport is gone either way.
        }
      }
    }
  }
}
