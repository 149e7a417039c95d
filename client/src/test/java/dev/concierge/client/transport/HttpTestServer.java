package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scripted HTTP server on 127.0.0.1, port 0, for the HTTP transport tests: each path gets a handler, every request
 * is recorded before its handler runs. Handlers run on their own threads, so SSE handlers may block.
 */
final class HttpTestServer implements AutoCloseable {
  /** Generous: tests wait for events, they never measure speed. */
  static final long AWAIT_SECONDS = 10;

  /** One request as the server saw it. */
  record Recorded(String method, URI uri, Map<String, List<String>> headers, String body) {
    /** The first value of a header, case-insensitively, or {@code null}. */
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    JsonRpcMessage message() {
      return JsonRpcMessage.parse(body);
    }
  }

  /** Answers one request. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange, Recorded request) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();

  private HttpTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.start();
  }

  static HttpTestServer start() throws IOException {
    return new HttpTestServer();
  }

  void handle(String path, Handler handler) {
    server.createContext(path, exchange -> {
      try {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI(),
            Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        handler.handle(exchange, request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the test is over
      } catch (Exception e) {
        // The client went away mid-response; for these tests that is an outcome, not an error.
      } finally {
        exchange.close();
      }
    });
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
  }

  /** The next recorded request that matches, skipping others; fails the test after {@link #AWAIT_SECONDS}. */
  Recorded next(Predicate<Recorded> matching) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
    while (true) {
      Recorded request = requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(request).as("expected request").isNotNull();
      if (matching.test(request)) {
        return request;
      }
    }
  }

  Recorded next(String method) throws InterruptedException {
    return next(r -> r.method().equals(method));
  }

  /** Requests recorded and not yet taken by {@link #next}. */
  List<Recorded> pending() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Sends a whole response; {@code headers} are name/value pairs. */
  static void respond(HttpExchange exchange, int status, String contentType, String body, String... headers)
      throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** Starts a chunked {@code text/event-stream} response. */
  static SseWriter sse(HttpExchange exchange, String... headers) throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    return new SseWriter(exchange.getResponseBody());
  }

  /** Writes SSE text and flushes it at once; safe to share between handler threads. */
  static final class SseWriter {
    private final OutputStream out;

    SseWriter(OutputStream out) {
      this.out = out;
    }

    synchronized void raw(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** One {@code message} event, with an id when {@code id} is not null. */
    void event(String id, String data) throws IOException {
      raw((id == null ? "" : "id: " + id + "\n") + "data: " + data + "\n\n");
    }

    /** Writes keep-alive comments until the client goes away; returns {@code true} once it did. */
    boolean pingUntilDisconnected() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        try {
          raw(": ping\n\n");
        } catch (IOException e) {
          return true;
        }
        Thread.sleep(20);
      }
      return false;
    }
  }

  /** Records everything a transport reports. */
  static final class RecordingListener implements TransportListener {
    final BlockingQueue<JsonRpcMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> malformed = new LinkedBlockingQueue<>();
    final BlockingQueue<Optional<Throwable>> closes = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(JsonRpcMessage message) {
      messages.add(message);
    }

    @Override
    public void onMalformed(String reason) {
      malformed.add(reason);
    }

    @Override
    public void onClosed(Throwable cause) {
      closes.add(Optional.ofNullable(cause));
    }

    JsonRpcMessage nextMessage() throws InterruptedException {
      JsonRpcMessage message = messages.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(message).as("expected a message").isNotNull();
      return message;
    }

    String nextMalformed() throws InterruptedException {
      String reason = malformed.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(reason).as("expected a malformed report").isNotNull();
      return reason;
    }

    Optional<Throwable> nextClose() throws InterruptedException {
      Optional<Throwable> cause = closes.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(cause).as("expected onClosed").isNotNull();
      return cause;
    }
  }
}
