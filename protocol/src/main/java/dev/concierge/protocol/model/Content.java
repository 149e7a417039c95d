package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;

/**
 * One content block: text, image, audio, a resource link, an embedded resource, or a kind this version does not know
 * (kept whole, reported as {@link Kind#UNKNOWN}).
 */
public final class Content extends JsonView {
  /** The content types of the schema. */
  public enum Kind { TEXT, IMAGE, AUDIO, RESOURCE_LINK, RESOURCE, UNKNOWN }

  public Content(ObjectNode json) {
    super(json);
  }

  public static Content text(String text) {
    ObjectNode node = Json.object();
    node.put("type", "text");
    node.put("text", text);
    return new Content(node);
  }

  /** The raw {@code type} string. */
  public String type() {
    return string("type");
  }

  public Kind kind() {
    String type = type();
    if (type == null) {
      return Kind.UNKNOWN;
    }
    return switch (type) {
      case "text" -> Kind.TEXT;
      case "image" -> Kind.IMAGE;
      case "audio" -> Kind.AUDIO;
      case "resource_link" -> Kind.RESOURCE_LINK;
      case "resource" -> Kind.RESOURCE;
      default -> Kind.UNKNOWN;
    };
  }

  /** Text of a text block, or {@code null}. */
  public String text() {
    return string("text");
  }

  /** Base64 data of an image or audio block, or {@code null}. */
  public String data() {
    return string("data");
  }

  public String mimeType() {
    return string("mimeType");
  }

  /** URI of a resource link, or {@code null}. */
  public String uri() {
    return string("uri");
  }

  /** The embedded resource contents of a {@code resource} block, or {@code null}. */
  public ResourceContents resource() {
    ObjectNode resource = object("resource");
    return resource == null ? null : new ResourceContents(resource);
  }

  public ObjectNode annotations() {
    return object("annotations");
  }
}
