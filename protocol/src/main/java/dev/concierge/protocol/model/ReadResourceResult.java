package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The result of {@code resources/read}. */
public final class ReadResourceResult extends JsonView {
  public ReadResourceResult(ObjectNode json) {
    super(json);
  }

  public List<ResourceContents> contents() {
    return list("contents", ResourceContents::new);
  }
}
