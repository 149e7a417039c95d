package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;

/** The TypeScript SDK 1.x peer over stdio: a legacy server that answers the discover probe with an error. */
class TsV1StdioTest extends AbstractLegacyPeerTest {
  @Override
  protected ServerConfig.Builder startPeer() {
    return TsPeer.V1.stdio(SERVER);
  }

  @Override
  protected String expectedTransport() {
    return "stdio";
  }
}
