package dev.concierge.bench;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import java.util.List;
import java.util.Map;

/** Concierge's {@link MultiServerMCPClient} with one server, called the way an application would: name plus a map. */
final class ConciergeEcho implements EchoClient {
  private final MultiServerMCPClient client;
  private final String protocolVersion;

  private ConciergeEcho(ServerConfig config) {
    this.client = MultiServerMCPClient.builder().clientInfo("concierge-bench", "1.0.0").server(config).build();
    ServerStatus status = client.start().get(0);
    if (!status.connected()) {
      client.close();
      throw new IllegalStateException("concierge did not connect: " + status.error());
    }
    this.protocolVersion = status.protocolVersion();
  }

  static ConciergeEcho stdio(List<String> command) {
    return new ConciergeEcho(ServerConfig.stdio("everything", command.get(0),
        command.subList(1, command.size()).toArray(String[]::new)).prefix("").build());
  }

  static ConciergeEcho http(String url) {
    return http(url, null);
  }

  /** Over Streamable HTTP, with the protocol version pinned ({@code "2025-11-25"}, ...), or detected when null. */
  static ConciergeEcho http(String url, String protocol) {
    return new ConciergeEcho(ServerConfig.http("everything", url).prefix("").protocol(protocol).build());
  }

  /** The version the client agreed with the server. */
  String protocolVersion() {
    return protocolVersion;
  }

  @Override
  public void echo(String message) {
    EchoClient.check(message, client.callTool("echo", Map.of("message", message)).text());
  }

  @Override
  public void close() {
    client.close();
  }
}
