package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A resource as {@code resources/list} returns it. */
public final class Resource extends JsonView {
  public Resource(ObjectNode json) {
    super(json);
  }

  public String uri() {
    return string("uri");
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

  public String mimeType() {
    return string("mimeType");
  }

  /** Size in bytes, or {@code null} when the server did not say. */
  public Long size() {
    JsonNode size = raw().get("size");
    return size != null && size.canConvertToLong() ? size.asLong() : null;
  }
}
