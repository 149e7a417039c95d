package dev.concierge.bench;

import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /** The same, sending {@code token} as a bearer token: a gateway node started with {@code --auth local}. */
  static ConciergeEcho http(String url, String protocol, String token) {
    return new ConciergeEcho(ServerConfig.http("everything", url).prefix("").protocol(protocol)
        .header("Authorization", "Bearer " + token).build());
  }

  /** The version the client agreed with the server. */
  String protocolVersion() {
    return protocolVersion;
  }

  @Override
  public void echo(String message) {
    EchoClient.check(message, client.callTool("echo", Map.of("message", message)).text());
  }

  /**
   * One echo that fails rather than hangs: the client's own deadline, and a hard bound a second later in case the
   * client missed it (which then counts as a hang: the exception is a {@link TimeoutException}).
   */
  void echo(String message, Duration timeout) throws Exception {
    CompletableFuture<CallToolResult> call = client.callToolAsync("echo", Json.object().put("message", message),
        CallContext.EMPTY, timeout);
    try {
      EchoClient.check(message, call.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).text());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
