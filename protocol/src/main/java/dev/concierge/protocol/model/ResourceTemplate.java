package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A parameterized resource ({@code resources/templates/list}), its URI an RFC 6570 template. */
public final class ResourceTemplate extends JsonView {
  public ResourceTemplate(ObjectNode json) {
    super(json);
  }

  public String uriTemplate() {
    return string("uriTemplate");
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
}
