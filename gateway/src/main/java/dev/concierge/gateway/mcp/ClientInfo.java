package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.ProtocolVersion;

/**
 * What a downstream client told about itself: in {@code initialize} (legacy, once per session) or in every request's
 * {@code _meta} (2026-07-28).
 *
 * @param version the protocol version in use
 * @param capabilities the client capabilities object (never {@code null})
 * @param implementation the client's {@code clientInfo} ({@code name}, {@code version}), or an empty object
 */
public record ClientInfo(ProtocolVersion version, ObjectNode capabilities, ObjectNode implementation) {
  public ClientInfo {
    capabilities = capabilities == null ? Json.object() : capabilities;
    implementation = implementation == null ? Json.object() : implementation;
  }

  /** Whether the client declared a capability ({@code sampling}, {@code elicitation}, {@code roots}). */
  public boolean can(String capability) {
    JsonNode c = capabilities.get(capability);
    return c != null && c.isObject();
  }

  /** The client's name, for logs and provenance, or {@code "unknown"}. */
  public String name() {
    String name = Json.text(implementation, "name");
    return name == null ? "unknown" : name;
  }
}
