package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Contents of a resource: text or a base64 blob. */
public final class ResourceContents extends JsonView {
  public ResourceContents(ObjectNode json) {
    super(json);
  }

  public String uri() {
    return string("uri");
  }

  public String mimeType() {
    return string("mimeType");
  }

  /** Text contents, or {@code null} for a blob. */
  public String text() {
    return string("text");
  }

  /** Base64 contents, or {@code null} for text. */
  public String blob() {
    return string("blob");
  }
}
