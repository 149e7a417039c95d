package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;

/** A tool definition as {@code tools/list} returns it. */
public final class Tool extends JsonView {
  public Tool(ObjectNode json) {
    super(json);
  }

  public static Tool of(String name, String description, ObjectNode inputSchema) {
    ObjectNode node = Json.object();
    node.put("name", name);
    if (description != null) {
      node.put("description", description);
    }
    node.set("inputSchema", inputSchema == null ? Json.object().put("type", "object") : inputSchema);
    return new Tool(node);
  }

  public String name() {
    return string("name");
  }

  public String title() {
    return string("title");
  }

  public String description() {
    return string("description");
  }

  /** The JSON Schema of the arguments; an empty object schema when the server sent none. */
  public ObjectNode inputSchema() {
    ObjectNode schema = object("inputSchema");
    return schema != null ? schema : Json.object().put("type", "object");
  }

  /** The JSON Schema of {@code structuredContent}, or {@code null}. */
  public ObjectNode outputSchema() {
    return object("outputSchema");
  }

  /** Behaviour hints, or {@code null}. */
  public ToolAnnotations annotations() {
    ObjectNode annotations = object("annotations");
    return annotations == null ? null : new ToolAnnotations(annotations);
  }

  /** A copy of this tool under another name; everything else, unknown fields included, is kept. */
  public Tool withName(String newName) {
    ObjectNode copy = toJson();
    copy.put("name", newName);
    return new Tool(copy);
  }
}
