package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;
import java.util.List;

/** {@link ModernTestServer} over stdio, in a child JVM the client starts. */
class ModernTestServerStdioTest extends AbstractModernTestServerTest {
  @Override
  protected ServerConfig.Builder startPeer() {
    List<String> command = ModernTestServer.stdioCommand();
    return ServerConfig.stdio(SERVER, command.get(0), command.subList(1, command.size()).toArray(String[]::new));
  }

  @Override
  protected String expectedTransport() {
    return "stdio";
  }

  @Override
  protected boolean listsToolsWithInvalidHeaderAnnotations() {
    return true;
  }

  @Override
  protected String expectedRegionHeader(String value) {
    return "(stdio)"; // stdio has no headers
  }
}
