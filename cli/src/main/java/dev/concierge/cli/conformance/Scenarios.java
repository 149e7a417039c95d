package dev.concierge.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.NamedPrompt;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerResource;
import dev.concierge.protocol.Json;
import java.util.List;
import java.util.Map;

/**
 * What the client does in each client scenario of the conformance suite (0.2.0-alpha.12). Everything the suite checks
 * on the wire (handshake, {@code _meta}, headers, SSE resumption, multi round-trip retries, {@code x-mcp-header}
 * mirroring and validation) is the library's job; a scenario only decides which requests to make. A scenario not
 * listed here (the {@code auth/*} ones included) gets {@link #exerciseTools}.
 */
final class Scenarios {
  /** One scenario's requests. */
  @FunctionalInterface
  interface Scenario {
    void run(ScenarioSteps steps);
  }

  private static final Map<String, Scenario> BY_NAME = Map.ofEntries(
      // Connecting is the scenario: the handshake (or the -32022 retry) is what is checked.
      Map.entry("initialize", Scenarios::listTools),
      Map.entry("request-metadata", Scenarios::listTools),
      // Never call lookup_user: the point is that listing it fetches no remote $ref.
      Map.entry("json-schema-ref-no-deref", Scenarios::listTools),
      Map.entry("tools_call", steps -> steps.call("add_numbers", Map.of("a", 2, "b", 3))),
      // The server asks for input on the standalone GET stream; the elicitation handler accepts the defaults.
      Map.entry("elicitation-sep1034-client-defaults", steps -> {
        steps.tools();
        steps.call("test_client_elicitation_defaults", Map.of());
      }),
      // The tools/call stream ends before its response; the transport resumes it with Last-Event-ID.
      Map.entry("sse-retry", steps -> {
        steps.tools();
        steps.call("test_reconnection", Map.of());
      }),
      Map.entry("json-schema-2020-12-preservation", Scenarios::echoSchema),
      // Two calls need input (one with opaque requestState), one is unrelated, one has no resultType.
      Map.entry("sep-2322-client-request-state", steps -> {
        steps.tools();
        for (String tool : List.of("test_mrtr_echo_state", "test_mrtr_unrelated", "test_mrtr_no_state",
            "test_mrtr_no_result_type")) {
          steps.call(tool, Map.of());
        }
      }),
      Map.entry("http-standard-headers", Scenarios::everyFeature),
      Map.entry("http-custom-headers", Scenarios::contextToolCalls),
      Map.entry("http-invalid-tool-headers", Scenarios::onlyValidTools));

  private Scenarios() {}

  /** The scenario of that name, or the generic one. */
  static Scenario forName(String name) {
    return BY_NAME.getOrDefault(name, Scenarios::exerciseTools);
  }

  /** Whether a scenario has behaviour of its own (else it gets the generic one). */
  static boolean isKnown(String name) {
    return BY_NAME.containsKey(name);
  }

  private static void listTools(ScenarioSteps steps) {
    steps.tools();
  }

  /** Generic: list the tools and call each with sample arguments drawn from its input schema. */
  static void exerciseTools(ScenarioSteps steps) {
    for (NamedTool tool : steps.tools()) {
      steps.call(tool.name(), SchemaSamples.object(tool.tool().inputSchema()));
    }
  }

  /** Sends a tool's input schema back through an echo tool, to show no keyword was lost on the way in. */
  private static void echoSchema(ScenarioSteps steps) {
    ObjectNode schema = steps.inputSchema("json_schema_2020_12_tool");
    ObjectNode arguments = Json.object();
    arguments.set("schema", schema);
    steps.call("json_schema_echo", arguments);
  }

  /** Every request kind that carries {@code Mcp-Method} and {@code Mcp-Name} headers, once per listed item. */
  private static void everyFeature(ScenarioSteps steps) {
    exerciseTools(steps);
    for (ServerResource.Item item : steps.resources()) {
      steps.read(item.resource().uri());
    }
    for (NamedPrompt prompt : steps.prompts()) {
      steps.prompt(prompt.name());
    }
  }

  /** The calls listed in the context, arguments exactly as given ({@code null} values included). */
  private static void contextToolCalls(ScenarioSteps steps) {
    steps.tools();
    JsonNode calls = steps.environment().context().path("toolCalls");
    if (!calls.isArray() || calls.isEmpty()) {
      throw new ScenarioFailure(ScenarioEnvironment.CONTEXT + " has no toolCalls");
    }
    for (JsonNode call : calls) {
      JsonNode arguments = call.get("arguments");
      steps.call(call.path("name").asText(), arguments == null ? Json.object() : arguments);
    }
  }

  /** The library leaves out tools with invalid {@code x-mcp-header} annotations; what remains must be callable. */
  private static void onlyValidTools(ScenarioSteps steps) {
    List<NamedTool> tools = steps.tools();
    if (tools.stream().noneMatch(t -> t.name().equals("valid_tool"))) {
      throw new ScenarioFailure("valid_tool was left out");
    }
    exerciseTools(steps);
  }
}
