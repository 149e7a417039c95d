package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.MetaKeys;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ModernTestServer} on the wire, with a plain HTTP client: the server side of the 2026-07-28 Streamable HTTP
 * rules (header validation, versions, status codes, listen streams, signed MRTR state), which the client tests cannot
 * reach because a conforming client never breaks them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModernTestServerProtocolTest {
  private ModernTestServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private int nextId = 1;

  record Answer(int status, String contentType, JsonNode body) {
    JsonNode error() {
      return body.path("error");
    }
  }

  @BeforeAll
  void start() throws Exception {
    server = ModernTestServer.startHttp();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @Test
  void discoverNamesVersionsCapabilitiesAndServer() throws Exception {
    Answer a = post("server/discover", Json.object(), headers("server/discover", null));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).startsWith("application/json");
    JsonNode result = a.body().path("result");
    assertThat(result.path("supportedVersions").get(0).asText()).isEqualTo("2026-07-28");
    assertThat(result.path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
    assertThat(result.path("resultType").asText()).isEqualTo("complete");
    assertThat(result.path("_meta").path(MetaKeys.SERVER_INFO).path("name").asText()).isEqualTo("concierge-modern-test");
  }

  @Test
  void headersThatDisagreeWithTheBodyAreA400HeaderMismatch() throws Exception {
    ObjectNode echo = Json.object().put("name", "echo");
    echo.putObject("arguments").put("message", "hi");
    Map<String, String> noMethod = headers(null, "echo");
    assertMismatch(post("tools/call", echo, noMethod));
    assertMismatch(post("tools/call", echo, headers("tools/call", "other")));
    assertMismatch(post("tools/call", echo, headers("tools/call", null)));
    Map<String, String> wrongVersion = headers("tools/call", "echo");
    wrongVersion.put("MCP-Protocol-Version", "2025-11-25");
    assertMismatch(post("tools/call", echo, wrongVersion));
    assertThat(post("tools/call", echo, headers("tools/call", "echo")).status()).isEqualTo(200);
  }

  @Test
  void annotatedArgumentsMustBeMirroredIntoParamHeaders() throws Exception {
    ObjectNode call = Json.object().put("name", "region");
    call.putObject("arguments").put("region", "Zürich");
    assertMismatch(post("tools/call", call, headers("tools/call", "region")));
    Map<String, String> wrong = headers("tools/call", "region");
    wrong.put("Mcp-Param-Region", "Zurich");
    assertMismatch(post("tools/call", call, wrong));
    Map<String, String> right = headers("tools/call", "region");
    right.put("mcp-param-region", "=?base64?WsO8cmljaA==?="); // header names are case-insensitive
    Answer a = post("tools/call", call, right);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("result").path("content").get(0).path("text").asText()).startsWith("region=Zürich");
    Map<String, String> extra = headers("tools/call", "echo");
    extra.put("Mcp-Param-Region", "us-west1"); // not a parameter of echo: ignored
    ObjectNode echo = Json.object().put("name", "echo");
    echo.putObject("arguments").put("message", "hi");
    assertThat(post("tools/call", echo, extra).status()).isEqualTo(200);
  }

  @Test
  void anUnsupportedVersionIsA400ListingTheSupportedOnes() throws Exception {
    Map<String, String> h = headers("tools/list", null);
    h.put("MCP-Protocol-Version", "2027-01-01");
    Answer a = post("tools/list", Json.object(), h, "2027-01-01");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().path("code").asInt()).isEqualTo(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION);
    assertThat(a.error().path("data").path("supported").get(0).asText()).isEqualTo("2026-07-28");
    assertThat(a.error().path("data").path("requested").asText()).isEqualTo("2027-01-01");
  }

  @Test
  void aLegacyInitializeIsRejectedNamingTheSupportedVersions() throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}";
    Answer a = send(body, Map.of());
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().path("code").asInt()).isEqualTo(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION);
    assertThat(a.error().path("message").asText()).contains("2026-07-28");
  }

  @Test
  void aMissingEnvelopeIsA400AndAnUnknownMethodA404() throws Exception {
    ObjectNode params = Json.object();
    params.putObject("_meta").put(MetaKeys.PROTOCOL_VERSION, "2026-07-28"); // no clientCapabilities
    Answer missing = send(request("tools/list", params), headers("tools/list", null));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().path("code").asInt()).isEqualTo(ErrorCodes.INVALID_PARAMS);
    Answer ping = post("ping", Json.object(), headers("ping", null));
    assertThat(ping.status()).isEqualTo(404);
    assertThat(ping.error().path("code").asInt()).isEqualTo(ErrorCodes.METHOD_NOT_FOUND);
  }

  @Test
  void thereAreNoSessionsNorStandaloneStreams() throws Exception {
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.endpoint()).GET()
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> notification = http.send(HttpRequest.newBuilder(server.endpoint())
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
            + "\"params\":{\"requestId\":1}}")).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notification.statusCode()).isEqualTo(202);
    assertThat(notification.headers().firstValue("Mcp-Session-Id")).isEmpty();
  }

  @Test
  void theRequestStateIsSignedAndBoundToItsRequest() throws Exception {
    ObjectNode ask = Json.object().put("name", "ask-name");
    JsonNode first = post("tools/call", ask, headers("tools/call", "ask-name")).body().path("result");
    assertThat(first.path("resultType").asText()).isEqualTo("input_required");
    assertThat(first.path("inputRequests").path("who").path("method").asText()).isEqualTo("elicitation/create");
    String state = first.path("requestState").asText();

    ObjectNode retry = ask.deepCopy();
    retry.putObject("inputResponses").putObject("who").put("action", "accept").putObject("content").put("name", "Eve");
    retry.put("requestState", state.substring(0, state.length() - 2) + (state.endsWith("AA") ? "BB" : "AA"));
    Answer tampered = post("tools/call", retry, headers("tools/call", "ask-name"));
    assertThat(tampered.error().path("code").asInt()).isEqualTo(ErrorCodes.INVALID_PARAMS);
    assertThat(tampered.error().path("message").asText()).contains("requestState");

    retry.put("requestState", state);
    Answer done = post("tools/call", retry, headers("tools/call", "ask-name"));
    assertThat(done.body().path("result").path("content").get(0).path("text").asText()).startsWith("Hello, Eve!");
  }

  @Test
  void aListenStreamIsAcknowledgedFirstAndTagsEveryNotification() throws Exception {
    int id = nextId++;
    ObjectNode params = Json.object();
    params.putObject("notifications").put("toolsListChanged", true).put("promptsListChanged", true);
    HttpRequest.Builder listen = HttpRequest.newBuilder(server.endpoint())
        .POST(HttpRequest.BodyPublishers.ofString(request(id, "subscriptions/listen", params)));
    headers("subscriptions/listen", null).forEach(listen::header);
    HttpResponse<InputStream> stream = http.send(listen.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      JsonNode ack = nextEvent(events);
      assertThat(ack.path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
      assertThat(ack.path("params").path("_meta").path(MetaKeys.SUBSCRIPTION_ID).asInt()).isEqualTo(id);
      assertThat(ack.path("params").path("notifications").path("toolsListChanged").asBoolean()).isTrue();
      post("tools/call", Json.object().put("name", "add-tool"), headers("tools/call", "add-tool"));
      JsonNode changed = nextEvent(events);
      assertThat(changed.path("method").asText()).isEqualTo("notifications/tools/list_changed");
      assertThat(changed.path("params").path("_meta").path(MetaKeys.SUBSCRIPTION_ID).asInt()).isEqualTo(id);
    }
  }

  /** The next {@code data:} of the stream, skipping keep-alive comments. */
  private static JsonNode nextEvent(BufferedReader events) throws Exception {
    for (String line = events.readLine(); line != null; line = events.readLine()) {
      if (line.startsWith("data:")) {
        return Json.parse(line.substring(5).trim());
      }
    }
    throw new AssertionError("the stream ended");
  }

  private static void assertMismatch(Answer a) {
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().path("code").asInt()).isEqualTo(ErrorCodes.HEADER_MISMATCH);
  }

  /** The headers a conforming client sends; {@code method} or {@code name} {@code null} leaves that header out. */
  private static Map<String, String> headers(String method, String name) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("MCP-Protocol-Version", "2026-07-28");
    if (method != null) {
      h.put("Mcp-Method", method);
    }
    if (name != null) {
      h.put("Mcp-Name", name);
    }
    return h;
  }

  private Answer post(String method, ObjectNode params, Map<String, String> headers) throws Exception {
    return post(method, params, headers, "2026-07-28");
  }

  private Answer post(String method, ObjectNode params, Map<String, String> headers, String version)
      throws Exception {
    ObjectNode withMeta = params.deepCopy();
    ObjectNode meta = withMeta.putObject("_meta");
    meta.put(MetaKeys.PROTOCOL_VERSION, version);
    meta.putObject(MetaKeys.CLIENT_CAPABILITIES).putObject("elicitation");
    return send(request(method, withMeta), headers);
  }

  private String request(String method, ObjectNode params) {
    return request(nextId++, method, params);
  }

  private static String request(int id, String method, ObjectNode params) {
    ObjectNode body = Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (!params.has("_meta")) {
      ObjectNode meta = params.putObject("_meta");
      meta.put(MetaKeys.PROTOCOL_VERSION, "2026-07-28");
      meta.putObject(MetaKeys.CLIENT_CAPABILITIES);
    }
    body.set("params", params);
    return Json.write(body);
  }

  private Answer send(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint())
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    String type = r.headers().firstValue("Content-Type").orElse("");
    String text = r.body();
    if (type.startsWith("text/event-stream")) { // the last data line is the response
      String[] lines = text.split("\n");
      text = "{}";
      for (String line : lines) {
        if (line.startsWith("data:")) {
          text = line.substring(5).trim();
        }
      }
    }
    return new Answer(r.statusCode(), type, text.isBlank() ? Json.object() : Json.parse(text));
  }
}
