package dev.concierge.cli;

import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.protocol.model.Content;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code concierge call NAME --args JSON}: prints the text content (or, with {@code --json}, the whole result). */
@Command(name = "call", description = "Call a tool by its exposed name.")
final class CallCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "Exposed tool name, e.g. everything__echo.")
  String name;

  @Option(names = "--args", paramLabel = "JSON", defaultValue = "{}", description = "Arguments as a JSON object.")
  String args;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Per-call timeout (progress extends it).")
  Long timeoutSeconds;

  @Override
  void validate() {
    boolean object;
    try {
      object = Json.parse(args).isObject();
    } catch (dev.concierge.protocol.McpException e) {
      throw new IllegalArgumentException("--args is not valid JSON: " + e.getMessage());
    }
    if (!object) {
      throw new IllegalArgumentException("--args must be a JSON object");
    }
  }

  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    CallToolResult result = client.callTool(name, Json.parse(args), CallContext.EMPTY,
        timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
    if (System.console() != null) {
      err.print("\r\u001b[K"); // clears the progress line
      err.flush();
    }
    if (options.json) {
      out.println(Json.writePretty(result.toJson()));
      return result.isError() ? Main.FAILED : 0;
    }
    for (Content c : result.content()) {
      out.println(switch (c.kind()) {
        case TEXT -> c.text();
        case IMAGE, AUDIO -> "[" + c.type() + " " + c.mimeType() + ", " + (c.data() == null ? 0
            : c.data().length() * 3 / 4) + " bytes]";
        case RESOURCE_LINK -> "[resource link " + c.uri() + "]";
        case RESOURCE -> c.resource() != null && c.resource().text() != null ? c.resource().text()
            : "[resource " + (c.resource() == null ? "" : c.resource().uri()) + "]";
        case UNKNOWN -> Json.write(c.toJson());
      });
    }
    if (result.content().isEmpty() && result.structuredContent() != null) {
      out.println(Json.writePretty(result.structuredContent()));
    }
    return result.isError() ? Main.FAILED : 0;
  }
}
