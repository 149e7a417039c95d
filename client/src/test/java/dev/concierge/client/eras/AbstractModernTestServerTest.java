package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.NamedTool;
import dev.concierge.protocol.McpMethods;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ModernTestServer} over one transport: the shared contract plus what only this server exposes, the
 * {@code x-mcp-header} mirroring (its {@code region} tool reports the header it received) and resource updates on the
 * listen stream (its {@code touch} tool).
 */
abstract class AbstractModernTestServerTest extends AbstractModernPeerTest {
  /** What the {@code region} tool reports as the {@code Mcp-Param-Region} header it got for {@code value}. */
  protected abstract String expectedRegionHeader(String value);

  /** Whether a tool with an invalid {@code x-mcp-header} annotation is listed (stdio may ignore the annotations). */
  protected abstract boolean listsToolsWithInvalidHeaderAnnotations();

  @Test
  void aToolWhoseNameIsNotHeaderSafeIsCalledUnderItsExposedName() {
    NamedTool tool = client.listTools().items().stream()
        .filter(t -> t.originalName().equals(ModernCatalog.UNICODE_TOOL)).findFirst().orElseThrow();
    assertThat(tool.name()).matches("[A-Za-z0-9_-]+");
    assertThat(client.callTool(tool.name(), Map.of("message", "hallo")).text()).isEqualTo("Echo: hallo");
  }

  @Test
  void aToolWithAnInvalidHeaderAnnotationIsLeftOutOverHttp() {
    assertThat(client.listTools().items().stream().anyMatch(t -> t.originalName().equals("bad-header")))
        .isEqualTo(listsToolsWithInvalidHeaderAnnotations());
  }

  @Test
  void mirrorsAnnotatedToolArgumentsIntoHeaders() {
    assertThat(client.callTool("region", Map.of("region", "us-west1", "query", "SELECT 1")).text())
        .isEqualTo("region=us-west1 header=" + expectedRegionHeader("us-west1"));
    assertThat(client.callTool("region", Map.of("region", "Zürich")).text())
        .isEqualTo("region=Zürich header=" + expectedRegionHeader("Zürich"));
  }

  @Test
  void deliversUpdatesOfASubscribedResourceOnTheListenStream() {
    String uri = "test://item/subscribed";
    client.subscribe(SERVER, uri);
    assertThat(client.callTool("touch", Map.of("uri", uri)).text()).isEqualTo("touched " + uri);
    EraEvents.await(() -> events.changes.stream().anyMatch(c -> c.what()
        .equals(McpMethods.NOTIFICATION_RESOURCES_UPDATED) && uri.equals(c.uri())), "resources/updated for " + uri);
    client.unsubscribe(SERVER, uri);
  }
}
