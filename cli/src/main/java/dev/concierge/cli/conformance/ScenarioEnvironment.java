package dev.concierge.cli.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import java.util.Map;

/**
 * What the conformance suite tells its client under test through the environment.
 *
 * @param scenario {@code MCP_CONFORMANCE_SCENARIO}, e.g. {@code tools_call} or {@code auth/metadata-default}; empty
 *     when the client was started by hand
 * @param protocolVersion {@code MCP_CONFORMANCE_PROTOCOL_VERSION}, the wire revision the mock speaks, or {@code null}
 * @param context {@code MCP_CONFORMANCE_CONTEXT} parsed ({@code {"name": scenario, ...data}}); empty when not set
 */
public record ScenarioEnvironment(String scenario, String protocolVersion, ObjectNode context) {
  public static final String SCENARIO = "MCP_CONFORMANCE_SCENARIO";
  public static final String PROTOCOL_VERSION = "MCP_CONFORMANCE_PROTOCOL_VERSION";
  public static final String CONTEXT = "MCP_CONFORMANCE_CONTEXT";

  public ScenarioEnvironment {
    scenario = scenario == null ? "" : scenario;
    protocolVersion = protocolVersion == null || protocolVersion.isBlank() ? null : protocolVersion;
    context = context == null ? Json.object() : context;
  }

  /** Reads the variables; a context that is not a JSON object is a usage error. */
  public static ScenarioEnvironment from(Map<String, String> env) {
    String context = env.get(CONTEXT);
    ObjectNode parsed = null;
    if (context != null && !context.isBlank()) {
      try {
        parsed = Json.parseObject(context);
      } catch (McpException e) {
        throw new IllegalArgumentException(CONTEXT + " is not a JSON object: " + e.getMessage());
      }
    }
    return new ScenarioEnvironment(env.get(SCENARIO), env.get(PROTOCOL_VERSION), parsed);
  }
}
