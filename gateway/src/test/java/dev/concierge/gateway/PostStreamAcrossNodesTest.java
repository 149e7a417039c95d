package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.context.LocalStateStore;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on one state store: a legacy client's POST stream breaks mid-call on one node, and its
 * {@code Last-Event-ID} resumption lands on the other (as a round-robin balancer sends it). The other node relays
 * the stream from the node running the call, so the client gets the rest of its progress and its result.
 */
class PostStreamAcrossNodesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final LocalStateStore STATE = new LocalStateStore(null);
  private static Gateway first;
  private static Gateway second;

  @BeforeAll
  static void start() throws Exception {
    first = node();
    second = node();
  }

  private static Gateway node() throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(EverythingServer.stdio("everything", null, null).build()),
        ToolViews.OPEN, Duration.ofSeconds(30), Set.of(), Set.of(), null, null);
    return Gateway.builder(config).listen("127.0.0.1", 0).authenticator(a -> Principal.LOCAL).state(STATE)
        .keepAlive(Duration.ofMillis(200)).start();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void aPostStreamBrokenOnOneNodeResumesOnAnother() throws Exception {
    String session = initialize(first.url());
    String lastId = breakAfterFirstProgress(session, 7);

    HttpResponse<String> resumed = HTTP.send(resume(second.url(), session, lastId),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resumed.statusCode()).isEqualTo(200);
    List<Event> rest = remaining(reader(resumed.body()));
    assertThat(rest).as("nothing before the resumption point again").noneMatch(e -> lastId.equals(e.id));
    assertThat(rest).anyMatch(e -> e.data.contains("notifications/progress"));
    JsonNode answer = Json.parse(rest.get(rest.size() - 1).data);
    assertThat(answer.path("id").asInt()).isEqualTo(7);
    assertThat(answer.path("result").path("content").get(0).path("text").asText())
        .contains("Long running operation completed");
  }

  @Test
  void aStreamResumedAgainElsewhereEndsQuietlyOnTheEarlierConnection() throws Exception {
    String session = initialize(first.url());
    String lastId = breakAfterFirstProgress(session, 9);
    HttpResponse<InputStream> relayed = HTTP.send(resume(second.url(), session, lastId),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader events = reader(relayed.body())) {
      Event progress = next(events, e -> e.data.contains("notifications/progress"));
      // The client resumes once more, on the stream's own node: the relayed connection ends, without an error.
      HttpResponse<String> again = HTTP.send(resume(first.url(), session, progress.id),
          HttpResponse.BodyHandlers.ofString());
      assertThat(remaining(events)).noneMatch(e -> e.data.contains("\"error\""));
      List<Event> rest = remaining(reader(again.body()));
      JsonNode answer = Json.parse(rest.get(rest.size() - 1).data);
      assertThat(answer.path("id").asInt()).isEqualTo(9);
      assertThat(answer.path("result").toString()).contains("Long running operation completed");
    }
  }

  @Test
  void aStreamWhoseNodeIsGoneEndsWithAnErrorForItsRequestNotSilence() throws Exception {
    String session = initialize(second.url());
    String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("42".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> resumed = HTTP.send(resume(second.url(), session, "p0123456789ab.3." + id + "-2"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resumed.statusCode()).isEqualTo(200);
    Event only = nextEvent(reader(resumed.body()));
    JsonNode answer = Json.parse(only.data);
    assertThat(answer.path("id").asInt()).isEqualTo(42);
    assertThat(answer.path("error").path("message").asText()).contains("Send the request again");
  }

  /**
   * POSTs a two-second call with progress to the first node and drops the connection after its first progress
   * notification; returns that event's id.
   */
  private static String breakAfterFirstProgress(String session, int id) throws Exception {
    String call = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"everything__trigger-long-running-operation\",\"arguments\":{\"duration\":2,\"steps\":4},"
        + "\"_meta\":{\"progressToken\":\"p" + id + "\"}}}";
    HttpResponse<InputStream> post = HTTP.send(request(first.url(), session).POST(
        HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(post.statusCode()).isEqualTo(200);
    try (BufferedReader events = reader(post.body())) {
      return next(events, e -> e.data.contains("notifications/progress")).id;
    }
  }

  private static String initialize(URI url) throws Exception {
    HttpResponse<String> init = HTTP.send(request(url, null).POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(init.statusCode()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> initialized = HTTP.send(request(url, session).POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(initialized.statusCode()).isEqualTo(202);
    return session;
  }

  private static HttpRequest.Builder request(URI url, String session) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
    if (session != null) {
      b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return b;
  }

  /** A resumption: GET with the session and {@code Last-Event-ID}. */
  private static HttpRequest resume(URI url, String session, String lastEventId) {
    return request(url, session).header("Last-Event-ID", lastEventId).GET().build();
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static BufferedReader reader(String body) {
    return new BufferedReader(new java.io.StringReader(body));
  }

  /** Every event left on the stream, until it ends. */
  private static List<Event> remaining(BufferedReader events) throws Exception {
    List<Event> rest = new ArrayList<>();
    for (Event e = nextEvent(events); e != null; e = nextEvent(events)) {
      rest.add(e);
    }
    return rest;
  }

  /** One SSE event with data (comments and the empty priming event skipped). */
  private record Event(String id, String data) {}

  private static Event next(BufferedReader events, java.util.function.Predicate<Event> wanted) throws Exception {
    List<Event> seen = new ArrayList<>();
    for (Event e = nextEvent(events); e != null; e = nextEvent(events)) {
      if (wanted.test(e)) {
        return e;
      }
      seen.add(e);
    }
    throw new AssertionError("the stream ended without the event; it had " + seen);
  }

  private static Event nextEvent(BufferedReader events) throws Exception {
    String id = null;
    StringBuilder data = null;
    for (String line = events.readLine(); line != null; line = events.readLine()) {
      if (line.isEmpty()) {
        if (data != null && !data.toString().isBlank()) {
          return new Event(id, data.toString());
        }
        id = null;
        data = null;
      } else if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("data: ")) {
        data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(6));
      } else if (line.startsWith("data:")) {
        data = data == null ? new StringBuilder() : data;
      }
    }
    return null;
  }
}
