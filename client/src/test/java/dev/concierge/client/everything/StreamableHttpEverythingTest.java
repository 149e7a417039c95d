package dev.concierge.client.everything;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.client.CallContext;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.testing.EverythingPeer;
import dev.concierge.client.testing.EverythingServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client contract against server-everything over Streamable HTTP ({@code /mcp}), plus what only this transport
 * has: a session that outlives TCP connections and that a restarted server no longer knows.
 */
class StreamableHttpEverythingTest extends AbstractEverythingContractTest {
  @Override
  protected EverythingPeer startPeer(Path captureFile) {
    return EverythingPeer.http(EverythingServer.Mode.STREAMABLE_HTTP, captureFile);
  }

  @Override
  protected String transportName() {
    return "http";
  }

  @Override
  protected boolean seesNotificationsSentDuringHandshake() {
    return false;
  }

  /** server-everything answers an unknown session with 400, not 404; both mean "initialize again". */
  @Test
  void aRestartedServerForgetsTheSessionAndSafeRequestsReinitializeTransparently() {
    try (EverythingPeer restartable = startPeer(null);
        MultiServerMCPClient own = newClient(b -> b.server(restartable.config("restartable").build()))) {
      assertThat(own.start()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
      assertThat(own.readResource("restartable", "demo://resource/dynamic/text/1", CallContext.EMPTY).contents())
          .isNotEmpty();

      restartable.crash();
      restartable.recover(); // a new process on the same port: the old Mcp-Session-Id means nothing to it

      assertThat(own.readResource("restartable", "demo://resource/dynamic/text/2", CallContext.EMPTY).contents()
          .get(0).text()).startsWith("Resource 2:");
      assertThat(own.listTools().items()).hasSize(TOOL_COUNT);
      assertThat(own.callTool("restartable__echo", Map.of("message", "after restart")).text())
          .isEqualTo("Echo: after restart");
    }
  }

  @Test
  void aServerThatWentAwayIsReportedAndReconnectedOnceItIsBack() {
    try (EverythingPeer flaky = startPeer(null);
        MultiServerMCPClient own = newClient(b -> b.server(flaky.config("flaky").build()))) {
      assertThat(own.start()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
      assertThat(own.callTool("flaky__echo", Map.of("message", "before")).text()).isEqualTo("Echo: before");

      flaky.crash();
      // The first call may still go out on a pooled connection to the dead process; a refused one ends the session.
      for (int attempt = 0; attempt < 3 && own.servers().get(0).connected(); attempt++) {
        assertThatThrownBy(() -> own.callTool("flaky__echo", Map.of("message", "while down")))
            .isInstanceOf(McpClientException.class)
            .satisfies(e -> assertThat(((McpClientException) e).server()).isEqualTo("flaky"));
      }
      assertThat(own.servers()).singleElement().satisfies(s -> {
        assertThat(s.connected()).isFalse();
        assertThat(s.error()).isNotBlank();
      });

      flaky.recover();
      assertThat(own.callTool("flaky__echo", Map.of("message", "after")).text()).isEqualTo("Echo: after");
      assertThat(own.servers()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
    }
  }
}
