package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One message of a rendered prompt: a role and one content block. */
public final class PromptMessage extends JsonView {
  public PromptMessage(ObjectNode json) {
    super(json);
  }

  /** {@code "user"} or {@code "assistant"}. */
  public String role() {
    return string("role");
  }

  public Content content() {
    ObjectNode content = object("content");
    return content == null ? null : new Content(content);
  }
}
