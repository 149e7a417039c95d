package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;

/** The official Java SDK's Streamable HTTP servlet (legacy era, sessions, JSON or SSE answers). */
class JavaSdkHttpTest extends AbstractLegacyPeerTest {
  private JavaSdkPeerServer server;

  @Override
  protected ServerConfig.Builder startPeer() throws Exception {
    server = JavaSdkPeerServer.startHttp();
    return ServerConfig.http(SERVER, server.endpoint().toString());
  }

  @Override
  protected void stopPeer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected String expectedTransport() {
    return "http";
  }
}
