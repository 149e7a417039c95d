package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The result of {@code prompts/get}. */
public final class GetPromptResult extends JsonView {
  public GetPromptResult(ObjectNode json) {
    super(json);
  }

  public String description() {
    return string("description");
  }

  public List<PromptMessage> messages() {
    return list("messages", PromptMessage::new);
  }
}
