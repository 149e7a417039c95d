package dev.concierge.client.everything;

import dev.concierge.client.testing.EverythingPeer;
import java.nio.file.Path;

/** The client contract against server-everything over stdio: the client spawns and restarts the process itself. */
class StdioEverythingTest extends AbstractEverythingContractTest {
  @Override
  protected EverythingPeer startPeer(Path captureFile) {
    return EverythingPeer.stdio(captureFile);
  }

  @Override
  protected String transportName() {
    return "stdio";
  }
}
