package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;

/** The TypeScript SDK v2 peer over stdio: {@code serveStdio} picks the era from the client's first message. */
class TsV2StdioTest extends AbstractModernPeerTest {
  @Override
  protected ServerConfig.Builder startPeer() {
    return TsPeer.V2.stdio(SERVER);
  }

  @Override
  protected String expectedTransport() {
    return "stdio";
  }
}
