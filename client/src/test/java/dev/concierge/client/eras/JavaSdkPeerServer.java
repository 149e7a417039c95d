package dev.concierge.client.eras;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServer.SyncSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A legacy-era peer built on the official MCP Java SDK 2.1.0 (which knows 2024-11-05 to 2025-11-25, not 2026-07-28):
 * {@code echo}, {@code ask-name} (a server-to-client {@code elicitation/create}), {@code slow} (progress), the
 * {@code test://greeting} resource, the {@code test://item/{id}} template and the {@code greet} prompt. Stdio through
 * {@link #main} in a child JVM; Streamable HTTP through {@link #startHttp} (its servlet in Jetty 12 ee11, in process).
 */
@SuppressWarnings("deprecation") // the SDK deprecates the plain constructors used here in favour of builders; both work
public final class JavaSdkPeerServer implements AutoCloseable {
  private final Server jetty;
  private final ServerConnector connector;

  private JavaSdkPeerServer(Server jetty, ServerConnector connector) {
    this.jetty = jetty;
    this.connector = connector;
  }

  static <S extends SyncSpecification<S>> void features(SyncSpecification<S> spec) {
    Map<String, Object> messageSchema = Map.of("type", "object",
        "properties", Map.of("message", Map.of("type", "string")), "required", List.of("message"));
    spec.serverInfo("java-sdk-peer", "2.1.0")
        .capabilities(ServerCapabilities.builder().tools(true).resources(false, true).prompts(true).build())
        .tools(
            SyncToolSpecification.builder()
                .tool(Tool.builder("echo").description("Echoes a message").inputSchema(messageSchema).build())
                .callHandler((ex, req) -> CallToolResult.builder()
                    .addTextContent("Echo: " + req.arguments().get("message")).build())
                .build(),
            SyncToolSpecification.builder()
                .tool(Tool.builder("ask-name").description("Elicits a name").inputSchema(Map.of("type", "object"))
                    .build())
                .callHandler((ex, req) -> {
                  ElicitResult r = ex.createElicitation(ElicitFormRequest.builder("Your name?",
                      Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")))).build());
                  return CallToolResult.builder().addTextContent(r.action() == ElicitResult.Action.ACCEPT
                      ? "Hello, " + r.content().get("name") + "!" : "(" + r.action() + ")").build();
                })
                .build(),
            SyncToolSpecification.builder()
                .tool(Tool.builder("slow").description("Reports progress, then answers")
                    .inputSchema(Map.of("type", "object", "properties", Map.of("steps", Map.of("type", "integer"))))
                    .build())
                .callHandler((ex, req) -> {
                  int steps = req.arguments().get("steps") instanceof Number n ? n.intValue() : 3;
                  Object token = req.meta() == null ? null : req.meta().get("progressToken");
                  for (int i = 1; token != null && i <= steps; i++) {
                    ex.progressNotification(new ProgressNotification(token, i, (double) steps, "step " + i));
                  }
                  return CallToolResult.builder().addTextContent("done after " + steps + " steps").build();
                })
                .build())
        .resources(new SyncResourceSpecification(
            Resource.builder().uri("test://greeting").name("greeting").mimeType("text/plain").build(),
            (ex, req) -> new ReadResourceResult(List.of(
                new TextResourceContents(req.uri(), "text/plain", "Hello from a resource")))))
        .resourceTemplates(new SyncResourceTemplateSpecification(
            ResourceTemplate.builder().uriTemplate("test://item/{id}").name("item").mimeType("text/plain").build(),
            (ex, req) -> new ReadResourceResult(List.of(new TextResourceContents(req.uri(), "text/plain",
                "Item " + req.uri().substring("test://item/".length()))))))
        .prompts(new SyncPromptSpecification(
            new Prompt("greet", "Greets someone", List.of(new PromptArgument("who", "Who to greet", true))),
            (ex, req) -> new GetPromptResult(null, List.of(new PromptMessage(Role.USER,
                new TextContent("Say hello to " + req.arguments().get("who")))))));
  }

  /** Starts the SDK's Streamable HTTP servlet at {@code /mcp} on 127.0.0.1, port 0. */
  public static JavaSdkPeerServer startHttp() throws Exception {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(json).mcpEndpoint("/mcp").build();
    var spec = McpServer.sync(transport);
    features(spec);
    spec.build();
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder holder = new ServletHolder(transport);
    holder.setAsyncSupported(true); // its SSE responses use servlet async
    context.addServlet(holder, "/*");
    jetty.setHandler(context);
    jetty.setStopTimeout(2_000);
    jetty.start();
    return new JavaSdkPeerServer(jetty, connector);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
  }

  @Override
  public void close() {
    ModernTestServer.stop(jetty);
  }

  /** The command line that runs the stdio server in a child JVM with this JVM's class path. */
  public static List<String> stdioCommand() {
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        JavaSdkPeerServer.class.getName()));
  }

  /** Serves stdio; the SDK's non-daemon stdin reader keeps the JVM alive until stdin ends. */
  public static void main(String[] args) {
    var spec = McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()));
    features(spec);
    spec.build();
  }
}
