package dev.concierge.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain round-robin load balancer for tests: every HTTP request goes to the next node in turn, with no session
 * affinity. Like a real one (nginx's {@code proxy_next_upstream error}), a node that refuses the connection is
 * skipped; a response that breaks mid-stream is the client's to handle. Responses are streamed as they arrive, so
 * SSE works through it.
 */
final class RoundRobinProxy implements AutoCloseable {
  /** Hop-by-hop headers and the ones the JDK client sets itself. */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
      "upgrade", "transfer-encoding", "keep-alive");

  private final List<URI> nodes = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "round-robin");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** Which node served each request, in order: the test checks that requests really were spread. */
  final List<Integer> served = new CopyOnWriteArrayList<>();

  RoundRobinProxy(List<URI> nodeBases) throws IOException {
    nodes.addAll(nodeBases);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  /** The node the next request goes to (when it is up). */
  int nextNode() {
    return Math.floorMod(next.get(), nodes.size());
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpResponse<InputStream> answer = null;
      int start = Math.floorMod(next.getAndIncrement(), nodes.size());
      for (int i = 0; i < nodes.size() && answer == null; i++) {
        int node = (start + i) % nodes.size();
        HttpRequest.Builder request = HttpRequest.newBuilder(nodes.get(node).resolve(
            exchange.getRequestURI().toString())).method(exchange.getRequestMethod(),
            body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
          if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
            values.forEach(v -> request.header(name, v));
          }
        });
        try {
          answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
          served.add(node);
        } catch (ConnectException e) {
          // the node is down: the next one gets the request
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (answer == null) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      answer.headers().map().forEach((name, values) -> {
        if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      boolean empty = answer.headers().firstValueAsLong("content-length").orElse(-1) == 0;
      exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : 0);
      try (InputStream in = answer.body(); OutputStream out = exchange.getResponseBody()) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush(); // SSE: each event as it comes
        }
      } catch (IOException e) {
        // the node died mid-response or the client left: the client sees a broken stream, as behind a real proxy
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
