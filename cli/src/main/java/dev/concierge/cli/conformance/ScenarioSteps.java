package dev.concierge.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedPrompt;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerResource;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The operations a scenario is made of, on a connected {@link MultiServerMCPClient} with one server: each logs what
 * it did (the suite saves the client's output next to its checks) and fails with {@link ScenarioFailure} when the
 * server did not answer as a conforming server would.
 */
final class ScenarioSteps {
  private final MultiServerMCPClient client;
  private final String server;
  private final ScenarioEnvironment environment;
  private final PrintWriter out;

  ScenarioSteps(MultiServerMCPClient client, String server, ScenarioEnvironment environment, PrintWriter out) {
    this.client = client;
    this.server = server;
    this.environment = environment;
    this.out = out;
  }

  ScenarioEnvironment environment() {
    return environment;
  }

  /** Every tool of the server ({@code tools/list}, all pages), under the server's own names. */
  List<NamedTool> tools() {
    Listing<NamedTool> tools = complete("tools/list", client.listTools());
    out.println("tools/list: " + tools.items().stream().map(NamedTool::name).toList());
    return tools.items();
  }

  /** The tool's input schema exactly as the server sent it. */
  ObjectNode inputSchema(String tool) {
    return tools().stream().filter(t -> t.name().equals(tool)).findFirst()
        .orElseThrow(() -> new ScenarioFailure("the server lists no tool '" + tool + "'")).tool().inputSchema();
  }

  /** Calls a tool; a result with {@code isError} is a failure. */
  CallToolResult call(String tool, JsonNode arguments) {
    out.println("tools/call " + tool + " " + Json.write(arguments));
    CallToolResult result = client.callTool(tool, arguments, CallContext.EMPTY, null);
    out.println("  -> " + Json.write(result.toJson()));
    if (result.isError()) {
      throw new ScenarioFailure("tool '" + tool + "' failed: " + result.text());
    }
    return result;
  }

  CallToolResult call(String tool, Map<String, ?> arguments) {
    return call(tool, Json.toTree(arguments));
  }

  List<ServerResource.Item> resources() {
    Listing<ServerResource.Item> resources = complete("resources/list", client.listResources());
    out.println("resources/list: " + resources.items().stream().map(r -> r.resource().uri()).toList());
    return resources.items();
  }

  void read(String uri) {
    out.println("resources/read " + uri);
    out.println("  -> " + Json.write(client.readResource(server, uri, CallContext.EMPTY).toJson()));
  }

  List<NamedPrompt> prompts() {
    Listing<NamedPrompt> prompts = complete("prompts/list", client.listPrompts());
    out.println("prompts/list: " + prompts.items().stream().map(NamedPrompt::name).toList());
    return prompts.items();
  }

  void prompt(String name) {
    out.println("prompts/get " + name);
    out.println("  -> " + Json.write(client.getPrompt(name, Map.of(), CallContext.EMPTY).toJson()));
  }

  private <T> Listing<T> complete(String method, Listing<T> listing) {
    for (ServerStatus status : listing.servers()) {
      if (status.error() != null) {
        throw new ScenarioFailure(method + " failed: " + status.error());
      }
    }
    return listing;
  }
}
