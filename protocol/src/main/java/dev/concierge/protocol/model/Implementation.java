package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;

/** Name and version of an MCP client or server ({@code Implementation} in the schema). */
public final class Implementation extends JsonView {
  public Implementation(ObjectNode json) {
    super(json);
  }

  public static Implementation of(String name, String version) {
    ObjectNode node = Json.object();
    node.put("name", name);
    node.put("version", version);
    return new Implementation(node);
  }

  public String name() {
    return string("name");
  }

  public String version() {
    return string("version");
  }

  public String title() {
    return string("title");
  }
}
