package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;

/**
 * What a server says about itself in the {@code initialize} and {@code server/discover} results.
 *
 * @param name the {@code serverInfo.name}
 * @param version the {@code serverInfo.version}
 * @param instructions guidance for the model, or {@code null}
 * @param capabilities the server capabilities object ({@code tools}, {@code resources}, {@code prompts}, ...); the
 *     engine adds {@code logging}
 */
public record ServerDescription(String name, String version, String instructions, ObjectNode capabilities) {
  public ServerDescription {
    capabilities = capabilities == null ? Json.object() : capabilities;
  }

  ObjectNode serverInfo() {
    return Json.object().put("name", name).put("version", version);
  }
}
