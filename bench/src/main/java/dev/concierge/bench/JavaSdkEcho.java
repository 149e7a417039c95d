package dev.concierge.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The official Java SDK's synchronous client ({@code io.modelcontextprotocol.sdk:mcp}). */
final class JavaSdkEcho implements EchoClient {
  private final McpSyncClient client;

  private JavaSdkEcho(McpClientTransport transport) {
    this.client = McpClient.sync(transport).clientInfo(McpSchema.Implementation.builder("sdk-bench", "1.0.0").build())
        .requestTimeout(Duration.ofSeconds(30)).build();
    client.initialize();
  }

  static JavaSdkEcho stdio(List<String> command) {
    ServerParameters params = ServerParameters.builder(command.get(0))
        .args(command.subList(1, command.size()).toArray(String[]::new)).build();
    return new JavaSdkEcho(new StdioClientTransport(params, McpJsonDefaults.getMapper()));
  }

  static JavaSdkEcho http(String url) {
    URI uri = URI.create(url);
    // HTTP/1.1 like Concierge and the bare loop; the SDK's default would try h2c upgrades on plain http.
    return new JavaSdkEcho(HttpClientStreamableHttpTransport.builder(uri.getScheme() + "://" + uri.getAuthority())
        .endpoint(uri.getPath()).customizeClient(b -> b.version(HttpClient.Version.HTTP_1_1)).build());
  }

  @Override
  public void echo(String message) {
    McpSchema.CallToolResult result = client.callTool(
        McpSchema.CallToolRequest.builder("echo").arguments(Map.of("message", message)).build());
    EchoClient.check(message, ((McpSchema.TextContent) result.content().get(0)).text());
  }

  @Override
  public void close() {
    client.close();
  }
}
