package dev.concierge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.http.HttpFront;
import dev.concierge.gateway.mcp.EngineSettings;
import dev.concierge.gateway.mcp.Exchange;
import dev.concierge.gateway.mcp.McpHandler;
import dev.concierge.gateway.mcp.ServerDescription;
import dev.concierge.gateway.mcp.ServerEngine;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A fast Java MCP server with one tool, {@code echo}, on Jetty at {@code /mcp} (loopback, no authentication): the
 * upstream against which the gateway's own added latency shows, with nothing slow behind it.
 */
final class EchoUpstream implements AutoCloseable {
  private final Server jetty;

  EchoUpstream() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    ServerEngine engine = new ServerEngine(new Handler(), EngineSettings.defaults(key), System::currentTimeMillis);
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new HttpFront(engine, authorization -> Principal.LOCAL, new HttpFront.Settings(
        HttpFront.Settings.DEFAULT_MAX_BODY_BYTES, HttpFront.Settings.DEFAULT_MAX_STREAMS,
        Set.of("127.0.0.1", "localhost"), Set.of(), null, List.of())));
    jetty.start();
  }

  String url() {
    return jetty.getURI().resolve("/mcp").toString();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  private static final class Handler implements McpHandler {
    private final ObjectNode tools = Json.parseObject("""
        {"tools":[{"name":"echo","description":"Echoes a message","inputSchema":{"type":"object",
          "properties":{"message":{"type":"string"}},"required":["message"]}}]}""");

    @Override
    public ServerDescription describe(Principal principal) {
      ObjectNode caps = Json.object();
      caps.putObject("tools");
      return new ServerDescription("concierge-bench-echo", "1.0.0", null, caps);
    }

    @Override
    public CompletableFuture<ObjectNode> handle(Exchange exchange) {
      return switch (exchange.method()) {
        case McpMethods.TOOLS_LIST -> CompletableFuture.completedFuture(tools.deepCopy());
        case McpMethods.TOOLS_CALL -> {
          ObjectNode result = Json.object();
          result.putArray("content").addObject().put("type", "text")
              .put("text", "Echo: " + exchange.params().path("arguments").path("message").asText());
          yield CompletableFuture.completedFuture(result);
        }
        default -> CompletableFuture.failedFuture(new McpException(ErrorCodes.METHOD_NOT_FOUND,
            "Method not found: " + exchange.method()));
      };
    }
  }
}
