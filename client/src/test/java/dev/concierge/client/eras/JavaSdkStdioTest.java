package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;
import java.util.List;

/** The official Java SDK over stdio, in a child JVM the client starts (legacy era; string ids on its requests). */
class JavaSdkStdioTest extends AbstractLegacyPeerTest {
  @Override
  protected ServerConfig.Builder startPeer() {
    List<String> command = JavaSdkPeerServer.stdioCommand();
    return ServerConfig.stdio(SERVER, command.get(0), command.subList(1, command.size()).toArray(String[]::new));
  }

  @Override
  protected String expectedTransport() {
    return "stdio";
  }
}
