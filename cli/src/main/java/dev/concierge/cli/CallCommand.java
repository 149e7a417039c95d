package dev.concierge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.protocol.model.Content;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code concierge call NAME --args JSON}: prints the text content (or, with {@code --json}, the whole result). */
@Command(name = "call", description = "Call a tool by its exposed name.")
final class CallCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Parameters(index = "0", paramLabel = "NAME", description = "Exposed tool name, e.g. everything__echo.")
  String name;

  @Option(names = "--args", paramLabel = "JSON", defaultValue = "{}", description = "Arguments as a JSON object.")
  String args;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Per-call timeout (progress extends it).")
  Long timeoutSeconds;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JsonNode arguments = Json.parse(args);
    if (!arguments.isObject()) {
      throw new IllegalArgumentException("--args must be a JSON object");
    }
    try (MultiServerMCPClient client = options.open(spec.commandLine().getErr())) {
      CallToolResult result = client.callTool(name, arguments, CallContext.EMPTY,
          timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
      var out = spec.commandLine().getOut();
      if (System.console() != null) {
        spec.commandLine().getErr().print("\r\u001b[K");
        spec.commandLine().getErr().flush();
      }
      if (options.json) {
        out.println(Json.writePretty(result.toJson()));
      } else {
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
      }
      out.flush();
      return result.isError() ? Main.FAILED : 0;
    }
  }
}
