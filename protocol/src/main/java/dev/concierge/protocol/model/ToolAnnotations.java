package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Hints about a tool's behaviour. All are hints from the server, never guarantees. */
public final class ToolAnnotations extends JsonView {
  public ToolAnnotations(ObjectNode json) {
    super(json);
  }

  public String title() {
    return string("title");
  }

  public Boolean readOnlyHint() {
    return bool("readOnlyHint");
  }

  public Boolean destructiveHint() {
    return bool("destructiveHint");
  }

  public Boolean idempotentHint() {
    return bool("idempotentHint");
  }

  public Boolean openWorldHint() {
    return bool("openWorldHint");
  }
}
