package dev.concierge.client.everything;

import dev.concierge.client.testing.EverythingPeer;
import dev.concierge.client.testing.EverythingServer;
import java.nio.file.Path;

/** The client contract against server-everything over the deprecated HTTP+SSE transport ({@code GET /sse}). */
class SseEverythingTest extends AbstractEverythingContractTest {
  @Override
  protected EverythingPeer startPeer(Path captureFile) {
    return EverythingPeer.http(EverythingServer.Mode.SSE, captureFile);
  }

  @Override
  protected String transportName() {
    return "sse";
  }
}
