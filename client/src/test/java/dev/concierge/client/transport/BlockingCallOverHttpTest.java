package dev.concierge.client.transport;

import static dev.concierge.client.transport.HttpTestServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import dev.concierge.client.CallContext;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.RequestTimeoutException;
import dev.concierge.client.ServerConfig;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking call over Streamable HTTP is sent on the calling thread (see {@code CallerWaits}): giving it up, by its
 * timeout or by interrupting the thread, must still abort its POST, tell the server, and leave the thread's interrupt
 * status as the caller made it. A scripted legacy-era server whose {@code hang} tool never answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingCallOverHttpTest {
  private HttpTestServer server;
  private MultiServerMCPClient client;
  /** Set by the {@code hang} handler once the client has gone away from its stream. */
  private final CompletableFuture<Boolean> hangAbandoned = new CompletableFuture<>();
  /** Set by the {@code linger} handler once the client has gone away from the stream it kept open. */
  private final CompletableFuture<Boolean> lingerAbandoned = new CompletableFuture<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpTestServer.start();
    server.handle("/mcp", this::answer);
    client = MultiServerMCPClient.builder().server(ServerConfig.http("scripted", server.uri("/mcp").toString())
        .protocol("2025-11-25").prefix("").requestTimeout(Duration.ofSeconds(30)).build()).build();
    assertThat(client.start().get(0).error()).isNull();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aBlockingCallThatTimesOutAbortsItsPostTellsTheServerAndLeavesTheThreadAlone() throws Exception {
    Throwable error = catchThrowable(() -> client.callTool("hang", Json.object(), CallContext.EMPTY,
        Duration.ofMillis(300)));

    assertThat(error).isInstanceOf(RequestTimeoutException.class);
    assertThat(Thread.currentThread().isInterrupted()).as("interrupt left on the caller").isFalse();
    assertThat(hangAbandoned.get(HttpTestServer.AWAIT_SECONDS, TimeUnit.SECONDS)).as("POST aborted").isTrue();
    String id = hangRequestId(); // first: taking the cancellation skips what came before it
    assertThat(cancelledRequest()).isEqualTo(id);
    assertThat(client.callTool("echo", Map.of("message", "after")).text()).isEqualTo("after");
  }

  @Test
  void interruptingABlockingCallCancelsItAndTheThreadStaysInterrupted() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      failure.complete(catchThrowable(() -> client.callTool("hang", Map.of())));
      interruptedAfter.complete(Thread.currentThread().isInterrupted());
    }, "blocking-caller");
    caller.start();
    String id = hangRequestId();

    caller.interrupt();

    assertThat(failure.get(HttpTestServer.AWAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(McpClientException.class)
        .hasMessageContaining("interrupted");
    assertThat(interruptedAfter.get(HttpTestServer.AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(hangAbandoned.get(HttpTestServer.AWAIT_SECONDS, TimeUnit.SECONDS)).as("POST aborted").isTrue();
    assertThat(cancelledRequest()).isEqualTo(id);
    assertThat(client.callTool("echo", Map.of("message", "after")).text()).isEqualTo("after");
  }

  @Test
  void aBlockingCallWhoseStreamStaysOpenAfterItsAnswerReturnsTheAnswer() throws Exception {
    // The caller's thread is the one in the send: it returns with the answer once the short hold is over, and the
    // rest of the stream is cut (the server sees the client go away) instead of keeping the caller.
    assertThat(client.callTool("linger", Map.of("message", "kept open")).text()).isEqualTo("kept open");
    assertThat(lingerAbandoned.get(HttpTestServer.AWAIT_SECONDS, TimeUnit.SECONDS)).as("stream cut").isTrue();
    assertThat(client.callTool("echo", Map.of("message", "after")).text()).isEqualTo("after");
  }

  /** The id of the {@code tools/call hang} the server received. */
  private String hangRequestId() throws InterruptedException {
    return ((JsonRpcRequest) server.next(r -> r.body().contains("\"hang\"")).message()).id().toJson().toString();
  }

  /** The request id of the next {@code notifications/cancelled}. */
  private String cancelledRequest() throws InterruptedException {
    JsonRpcNotification cancelled = (JsonRpcNotification) server
        .next(r -> r.body().contains("notifications/cancelled")).message();
    return cancelled.params().path("requestId").toString();
  }

  private void answer(HttpExchange exchange, HttpTestServer.Recorded request) throws Exception {
    if (request.method().equals("GET")) {
      respond(exchange, 405, null, null);
      return;
    }
    if (request.method().equals("DELETE")) {
      respond(exchange, 200, null, null);
      return;
    }
    JsonRpcMessage message = request.message();
    if (!(message instanceof JsonRpcRequest call)) {
      respond(exchange, 202, null, null);
      return;
    }
    String id = call.id().toJson().toString();
    String result = switch (call.method()) {
      case "initialize" -> "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
          + "\"serverInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}";
      case "tools/list" -> "{\"tools\":[{\"name\":\"hang\",\"inputSchema\":{\"type\":\"object\"}},"
          + "{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}},"
          + "{\"name\":\"linger\",\"inputSchema\":{\"type\":\"object\"}}]}";
      case "tools/call" -> Json.text(call.params(), "name").equals("hang") ? null
          : "{\"content\":[{\"type\":\"text\",\"text\":" + call.params().path("arguments").path("message") + "}]}";
      default -> "{}";
    };
    if (result == null) {
      hangAbandoned.complete(HttpTestServer.sse(exchange).pingUntilDisconnected());
      return;
    }
    HttpTestServer.SseWriter stream = HttpTestServer.sse(exchange, "Mcp-Session-Id", "s-1");
    stream.event(null, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}");
    if (call.method().equals("tools/call") && Json.text(call.params(), "name").equals("linger")) {
      lingerAbandoned.complete(stream.pingUntilDisconnected());
    }
  }
}
