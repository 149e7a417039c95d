package dev.concierge.client.transport;

import static dev.concierge.client.transport.HttpTestServer.AWAIT_SECONDS;
import static dev.concierge.client.transport.HttpTestServer.respond;
import static dev.concierge.client.transport.HttpTestServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.client.SessionExpiredException;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST routing of {@link StreamableHttpTransport}: JSON and SSE answers, statuses, sessions, limits, close. */
class StreamableHttpTransportTest {
  static final SendOptions LEGACY = new SendOptions("2025-11-25", Map.of());

  private HttpTestServer server;
  private StreamableHttpTransport transport;
  private final HttpTestServer.RecordingListener listener = new HttpTestServer.RecordingListener();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpTestServer.start();
  }

  @AfterEach
  void stopAll() {
    if (transport != null) {
      transport.close();
    }
    server.close();
  }

  private StreamableHttpTransport open(HttpTransportLimits limits) {
    transport = new StreamableHttpTransport("test", server.uri("/mcp"), Map.of("Authorization", "Bearer t0ken"), null,
        limits);
    transport.start(listener);
    return transport;
  }

  static JsonRpcRequest request(long id, String method) {
    return new JsonRpcRequest(RequestId.of(id), method, null);
  }

  static String result(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"ok\":true}}";
  }

  /** A result answering the recorded request, same id. */
  static String echo(HttpTestServer.Recorded request) {
    return result((Long) ((JsonRpcRequest) request.message()).id().value());
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }

  static Throwable failureOf(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> await(future)).isInstanceOf(ExecutionException.class).actual().getCause();
  }

  @Test
  void jsonAnswerIsDeliveredBeforeSendCompletesAndRequestCarriesMcpHeaders() throws Exception {
    server.handle("/mcp", (exchange, request) -> respond(exchange, 200, "application/json", result(1)));
    open(HttpTransportLimits.DEFAULTS);

    await(transport.send(request(1, "tools/list"),
        new SendOptions("2025-11-25", Map.of("Mcp-Method", "tools/list"))));

    assertThat(listener.messages.poll()).isEqualTo(JsonRpcMessage.parse(result(1)));
    HttpTestServer.Recorded post = server.next("POST");
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    assertThat(post.header("Accept")).contains("application/json").contains("text/event-stream");
    assertThat(post.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
    assertThat(post.header("Mcp-Method")).isEqualTo("tools/list");
    assertThat(post.header("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(post.header("Mcp-Session-Id")).isNull();
    assertThat(post.message()).isEqualTo(request(1, "tools/list"));
  }

  @Test
  void sseAnswerCompletesSendWhenOpenThenStreamsNotificationsAndTheResponse() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      stream.event(null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}");
      release.await(AWAIT_SECONDS, TimeUnit.SECONDS);
      stream.event(null, result(2));
    });
    open(HttpTransportLimits.DEFAULTS);

    await(transport.send(request(2, "tools/call"), LEGACY)); // the response is still held back by the server

    assertThat(listener.nextMessage()).isInstanceOfSatisfying(JsonRpcNotification.class,
        n -> assertThat(n.method()).isEqualTo("notifications/progress"));
    release.countDown();
    assertThat(listener.nextMessage()).isEqualTo(JsonRpcMessage.parse(result(2)));
    assertThat(listener.malformed).isEmpty();
  }

  @Test
  void acceptedNotificationDeliversNothing() throws Exception {
    server.handle("/mcp", (exchange, request) -> respond(exchange, 202, null, null));
    open(HttpTransportLimits.DEFAULTS);

    await(transport.send(new JsonRpcNotification("notifications/roots/list_changed", null), LEGACY));

    assertThat(server.next("POST").message()).isInstanceOf(JsonRpcNotification.class);
    assertThat(listener.messages).isEmpty();
  }

  @Test
  void errorStatusWithJsonRpcErrorBodyIsDeliveredAsTheAnswer() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      RequestId id = ((JsonRpcRequest) request.message()).id();
      String idJson = id.equals(RequestId.of(3)) ? "3" : "null"; // the second request gets an id-less error
      respond(exchange, 400, "application/json",
          "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"error\":{\"code\":-32022,\"message\":\"unsupported\"}}");
    });
    open(HttpTransportLimits.DEFAULTS);

    await(transport.send(request(3, "tools/list"), LEGACY));
    await(transport.send(request(4, "tools/list"), LEGACY));

    JsonRpcResponse first = (JsonRpcResponse) listener.nextMessage();
    assertThat(first.id()).isEqualTo(RequestId.of(3));
    assertThat(first.error().code()).isEqualTo(-32022);
    JsonRpcResponse second = (JsonRpcResponse) listener.nextMessage();
    assertThat(second.id()).as("HTTP pairs an id-less error with its request").isEqualTo(RequestId.of(4));
  }

  @Test
  void notFoundWithoutBodyFailsWithTransportExceptionCarryingTheStatus() {
    server.handle("/mcp", (exchange, request) -> respond(exchange, 404, null, null));
    open(HttpTransportLimits.DEFAULTS);

    Throwable failure = failureOf(transport.send(request(5, "tools/list"), LEGACY));

    assertThat(failure).isExactlyInstanceOf(TransportException.class);
    assertThat(((TransportException) failure).httpStatus()).isEqualTo(404);
  }

  @Test
  void errorStatusMessageQuotesAShortExcerptOfTheBody() {
    server.handle("/mcp", (exchange, request) -> respond(exchange, 500, "text/plain", "boom ".repeat(500)));
    open(HttpTransportLimits.DEFAULTS);

    Throwable failure = failureOf(transport.send(request(6, "tools/list"), LEGACY));

    assertThat(failure).isInstanceOf(TransportException.class).hasMessageContaining("HTTP 500: boom");
    assertThat(failure.getMessage().length()).isLessThan(300);
  }

  @Test
  void sessionIdFromInitializeIsEchoedOnLaterRequests() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      if (request.method().equals("POST")) {
        respond(exchange, 200, "application/json", echo(request), "Mcp-Session-Id", "sess-1");
      } else {
        respond(exchange, 405, null, null);
      }
    });
    open(HttpTransportLimits.DEFAULTS);

    await(transport.send(request(1, "initialize"), LEGACY));
    assertThat(server.next("POST").header("Mcp-Session-Id")).isNull();
    assertThat(transport.sessionId()).isEqualTo("sess-1");
    await(transport.send(request(2, "tools/list"), LEGACY));

    assertThat(server.next("POST").header("Mcp-Session-Id")).isEqualTo("sess-1");
  }

  @Test
  void notFoundWhileInASessionExpiresTheSession() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      if (request.header("Mcp-Session-Id") == null) {
        respond(exchange, 200, "application/json", result(1), "Mcp-Session-Id", "sess-2");
      } else {
        respond(exchange, 404, "application/json",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Session not found\"}}");
      }
    });
    open(HttpTransportLimits.DEFAULTS);
    await(transport.send(request(1, "initialize"), LEGACY));

    Throwable failure = failureOf(transport.send(request(2, "tools/list"), LEGACY));

    assertThat(failure).isInstanceOf(SessionExpiredException.class);
    assertThat(transport.sessionId()).isNull();
    await(transport.send(request(3, "initialize"), LEGACY));
    server.next(r -> r.body().contains("\"id\":3"));
    assertThat(transport.sessionId()).isEqualTo("sess-2");
  }

  @Test
  void badRequestAboutTheSessionIdWhileInASessionExpiresTheSession() throws Exception {
    String noSession = "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,"
        + "\"message\":\"Bad Request: No valid session ID provided\"}}"; // what the SDK example servers say
    server.handle("/mcp", (exchange, request) -> {
      if (request.body().contains("initialize")) {
        respond(exchange, 200, "application/json", echo(request), "Mcp-Session-Id", "stale");
      } else {
        respond(exchange, 400, "application/json", noSession);
      }
    });
    open(HttpTransportLimits.DEFAULTS);
    await(transport.send(request(1, "initialize"), LEGACY));

    assertThat(failureOf(transport.send(request(2, "tools/list"), LEGACY)))
        .isInstanceOf(SessionExpiredException.class);
    assertThat(transport.sessionId()).isNull();
    await(transport.send(request(2, "tools/list"), LEGACY)); // without a session it is the server's answer

    assertThat(((JsonRpcResponse) listener.nextMessage()).id()).isEqualTo(RequestId.of(1));
    assertThat(((JsonRpcResponse) listener.nextMessage()).error().message()).contains("No valid session ID");
  }

  @Test
  void closeDeletesTheSessionAndReportsClosedOnce() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      switch (request.method()) {
        case "POST" -> respond(exchange, 200, "application/json", result(1), "Mcp-Session-Id", "sess-3");
        default -> respond(exchange, 405, null, null); // DELETE refused: the transport must not care
      }
    });
    open(HttpTransportLimits.DEFAULTS);
    await(transport.send(request(1, "initialize"), LEGACY));

    transport.close();
    transport.close();

    HttpTestServer.Recorded delete = server.next("DELETE");
    assertThat(delete.header("Mcp-Session-Id")).isEqualTo("sess-3");
    assertThat(delete.header("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(listener.nextClose()).isEqualTo(Optional.empty());
    assertThat(listener.closes).isEmpty();
    assertThat(failureOf(transport.send(request(2, "tools/list"), LEGACY))).isInstanceOf(TransportException.class);
  }

  @Test
  void jsonBodyOverTheLimitFailsTheSend() {
    String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"" + "x".repeat(4096) + "\"}}";
    server.handle("/mcp", (exchange, request) -> {
      if (request.body().contains("\"id\":1")) {
        respond(exchange, 200, "application/json", big); // declares its length
      } else {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0); // chunked: the limit must hold while reading
        exchange.getResponseBody().write(big.getBytes());
      }
    });
    open(HttpTransportLimits.DEFAULTS.withMaxJsonBytes(1024));

    assertThat(failureOf(transport.send(request(1, "tools/list"), LEGACY))).hasMessageContaining("exceeds 1024");
    assertThat(failureOf(transport.send(request(2, "tools/list"), LEGACY))).hasMessageContaining("exceeds 1024");
    assertThat(listener.messages).isEmpty();
  }

  @Test
  void oversizeAndMalformedSseEventsAreReportedAndSkipped() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      stream.event(null, "\"" + "y".repeat(4096) + "\"");
      stream.event(null, "this is not json");
      stream.event(null, result(7));
    });
    open(HttpTransportLimits.DEFAULTS.withMaxEventBytes(1024));

    await(transport.send(request(7, "tools/call"), LEGACY));

    assertThat(listener.nextMessage()).isEqualTo(JsonRpcMessage.parse(result(7)));
    assertThat(listener.nextMalformed()).contains("larger than 1024");
    assertThat(listener.nextMalformed()).contains("not a JSON-RPC message");
  }

  @Test
  void invalidPerCallHeaderFailsTheSendNamingOnlyTheHeader() {
    server.handle("/mcp", (exchange, request) -> respond(exchange, 202, null, null));
    open(HttpTransportLimits.DEFAULTS);

    Throwable failure = failureOf(transport.send(request(1, "tools/call"),
        new SendOptions("2025-11-25", Map.of("X-Secret", "line1\r\nline2"))));

    assertThat(failure).isInstanceOf(TransportException.class).hasMessageContaining("X-Secret")
        .hasMessageNotContaining("line1");
  }

  @Test
  void describeNamesTheUrlButNoHeaders() {
    open(HttpTransportLimits.DEFAULTS);

    assertThat(transport.describe()).isEqualTo("http " + server.uri("/mcp")).doesNotContain("t0ken");
  }
}
