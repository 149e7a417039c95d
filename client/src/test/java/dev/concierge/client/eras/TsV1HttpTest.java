package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;

/** The TypeScript SDK 1.x peer over stateful Streamable HTTP: a legacy server that knows nothing of 2026-07-28. */
class TsV1HttpTest extends AbstractLegacyPeerTest {
  private TsPeer.Running peer;

  @Override
  protected ServerConfig.Builder startPeer() {
    peer = TsPeer.V1.startHttp();
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
