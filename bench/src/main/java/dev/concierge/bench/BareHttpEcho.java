package dev.concierge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for Streamable HTTP: a bare {@link HttpClient} that initializes once, then POSTs {@code tools/call} with
 * the session id and pulls the text out of the JSON or SSE answer by string search. No JSON library, no session
 * layer, no streams: what any client must at least pay for the round trip.
 */
final class BareHttpEcho implements EchoClient {
  private static final String VERSION = "2025-11-25";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI uri;
  private final AtomicLong ids = new AtomicLong();
  private final String session;

  BareHttpEcho(String url) throws IOException, InterruptedException {
    this.uri = URI.create(url);
    HttpResponse<String> init = post(null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
        + "\"protocolVersion\":\"" + VERSION + "\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"bare-bench\",\"version\":\"1.0.0\"}}}");
    this.session = init.headers().firstValue("mcp-session-id")
        .orElseThrow(() -> new IOException("initialize answered " + init.statusCode() + " without a session id"));
    post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @Override
  public void echo(String message) throws IOException, InterruptedException {
    long id = ids.incrementAndGet();
    HttpResponse<String> response = post(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}}");
    String body = response.body();
    if (response.statusCode() != 200 || !body.contains("\"id\":" + id + "}") && !body.contains("\"id\":" + id + ",")) {
      throw new IOException("tools/call " + id + " answered " + response.statusCode() + ": " + body);
    }
    EchoClient.check(message, EchoClient.firstText(body));
  }

  private HttpResponse<String> post(String sessionId, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId).header("Mcp-Protocol-Version", VERSION);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Ends the session politely; the server is killed right after anyway. */
  @Override
  public void close() {
    try {
      http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Mcp-Session-Id", session)
          .DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      System.err.println("  (DELETE of the session failed: " + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
