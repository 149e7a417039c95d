package dev.concierge.bench;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import java.time.Duration;
import java.util.List;

/** LangChain4j's own MCP client ({@code dev.langchain4j:langchain4j-mcp}); tool arguments are a JSON string there. */
final class LangChain4jEcho implements EchoClient {
  private final McpClient client;

  private LangChain4jEcho(McpTransport transport) {
    this.client = new DefaultMcpClient.Builder().key("bench").clientName("l4j-bench").clientVersion("1.0.0")
        .transport(transport).toolExecutionTimeout(Duration.ofSeconds(30)).build();
  }

  static LangChain4jEcho stdio(List<String> command) {
    return new LangChain4jEcho(new StdioMcpTransport.Builder().command(command).logEvents(false).build());
  }

  static LangChain4jEcho http(String url) {
    return new LangChain4jEcho(new StreamableHttpMcpTransport.Builder().url(url).timeout(Duration.ofSeconds(30))
        .logRequests(false).logResponses(false).build());
  }

  @Override
  public void echo(String message) {
    // Messages are "m<digits>", so no JSON escaping is needed.
    ToolExecutionRequest request = ToolExecutionRequest.builder().name("echo")
        .arguments("{\"message\":\"" + message + "\"}").build();
    EchoClient.check(message, client.executeTool(request).resultText());
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      System.err.println("  (LangChain4j close failed: " + e + ")");
    }
  }
}
