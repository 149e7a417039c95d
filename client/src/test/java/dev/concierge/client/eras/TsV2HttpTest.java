package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;

/** The TypeScript SDK v2 peer over Streamable HTTP: a 2026-07-28 server (with a stateless legacy fallback). */
class TsV2HttpTest extends AbstractModernPeerTest {
  private TsPeer.Running peer;

  @Override
  protected ServerConfig.Builder startPeer() {
    peer = TsPeer.V2.startHttp();
    return peer.config(SERVER);
  }

  @Override
  protected void stopPeer() {
    if (peer != null) {
      peer.close();
    }
  }

  @Override
  protected String expectedTransport() {
    return "http";
  }
}
