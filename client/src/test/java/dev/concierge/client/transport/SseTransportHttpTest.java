package dev.concierge.client.transport;

import static dev.concierge.client.transport.HttpTestServer.AWAIT_SECONDS;
import static dev.concierge.client.transport.HttpTestServer.respond;
import static dev.concierge.client.transport.HttpTestServer.sse;
import static dev.concierge.client.transport.StreamableHttpTransportTest.await;
import static dev.concierge.client.transport.StreamableHttpTransportTest.echo;
import static dev.concierge.client.transport.StreamableHttpTransportTest.failureOf;
import static dev.concierge.client.transport.StreamableHttpTransportTest.request;
import static dev.concierge.client.transport.StreamableHttpTransportTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The legacy 2024-11-05 HTTP+SSE transport against a scripted server. */
class SseTransportHttpTest {
  private HttpTestServer server;
  private SseTransport transport;
  private final HttpTestServer.RecordingListener listener = new HttpTestServer.RecordingListener();
  private final CountDownLatch testOver = new CountDownLatch(1);
  private final CompletableFuture<HttpTestServer.SseWriter> stream = new CompletableFuture<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpTestServer.start();
  }

  @AfterEach
  void stopAll() {
    testOver.countDown();
    if (transport != null) {
      transport.close();
    }
    server.close();
  }

  private SseTransport transport(HttpTransportLimits limits) {
    transport = new SseTransport("old", server.uri("/sse"), Map.of("Authorization", "Bearer t0ken"), null, limits);
    return transport;
  }

  /** An SSE endpoint that announces {@code endpointData} and stays open until the test ends. */
  private void serveSse(String endpointData) {
    server.handle("/sse", (exchange, request) -> {
      HttpTestServer.SseWriter writer = sse(exchange);
      writer.raw(": hello\n\nevent: endpoint\ndata: " + endpointData + "\n\n");
      stream.complete(writer);
      testOver.await(AWAIT_SECONDS, TimeUnit.SECONDS);
    });
  }

  @Test
  void postsToTheAnnouncedEndpointAndReceivesAnswersOnTheStream() throws Exception {
    serveSse("/messages?sessionId=42");
    server.handle("/messages", (exchange, request) -> {
      respond(exchange, 202, "text/plain", "Accepted");
      stream.get().raw("event: message\ndata: " + echo(request) + "\n\n");
    });
    transport(HttpTransportLimits.DEFAULTS).start(listener);

    assertThat(transport.endpoint()).isEqualTo(server.uri("/messages?sessionId=42"));
    await(transport.send(request(1, "tools/list"), SendOptions.NONE));

    assertThat(listener.nextMessage()).isEqualTo(JsonRpcMessage.parse(result(1)));
    HttpTestServer.Recorded get = server.next("GET");
    assertThat(get.header("Accept")).isEqualTo("text/event-stream");
    HttpTestServer.Recorded post = server.next("POST");
    assertThat(post.uri().toString()).isEqualTo("/messages?sessionId=42");
    assertThat(post.header("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    assertThat(post.message()).isEqualTo(request(1, "tools/list"));

    transport.close();
    assertThat(listener.nextClose()).isEqualTo(Optional.empty());
  }

  @Test
  void startFailsWithTheStatusAndABodyExcerptWhenTheGetFails() {
    server.handle("/sse", (exchange, request) -> respond(exchange, 500, "text/plain", "database on fire"));

    assertThatThrownBy(() -> transport(HttpTransportLimits.DEFAULTS).start(listener))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.httpStatus()).isEqualTo(500))
        .hasMessageContaining("database on fire");
    assertThat(listener.closes).isEmpty();
  }

  @Test
  void startFailsWhenNoEndpointEventArrives() {
    server.handle("/sse", (exchange, request) -> {
      sse(exchange).raw(": nothing to see\n\n");
      testOver.await(AWAIT_SECONDS, TimeUnit.SECONDS);
    });

    // Under load even the headers may miss the deadline; either way start() must give up within it.
    assertThatThrownBy(() -> transport(HttpTransportLimits.DEFAULTS.withEndpointTimeout(Duration.ofMillis(300)))
        .start(listener))
        .isInstanceOf(TransportException.class).hasMessageContaining("within 300 ms");
  }

  @Test
  void startRefusesAnEndpointOnAnotherOrigin() {
    serveSse("http://elsewhere.example/messages");

    assertThatThrownBy(() -> transport(HttpTransportLimits.DEFAULTS).start(listener))
        .isInstanceOf(TransportException.class).hasMessageContaining("another origin");
  }

  @Test
  void streamEndKillsTheTransportSoTheConnectionReconnects() throws Exception {
    server.handle("/sse", (exchange, request) -> {
      HttpTestServer.SseWriter writer = sse(exchange);
      writer.raw("event: endpoint\ndata: messages\n\n");
      stream.get(AWAIT_SECONDS, TimeUnit.SECONDS); // ends once the test says so
    });
    server.handle("/messages", (exchange, request) -> respond(exchange, 202, null, null));
    transport(HttpTransportLimits.DEFAULTS).start(listener);
    assertThat(transport.endpoint()).isEqualTo(server.uri("/messages"));

    stream.complete(null);

    assertThat(listener.nextClose()).get().isInstanceOf(ConnectionClosedException.class);
    assertThat(failureOf(transport.send(request(1, "ping"), SendOptions.NONE)))
        .isInstanceOf(TransportException.class);
  }
}
