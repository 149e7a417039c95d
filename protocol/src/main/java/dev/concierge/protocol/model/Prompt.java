package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.util.List;

/** A prompt template as {@code prompts/list} returns it. */
public final class Prompt extends JsonView {
  public Prompt(ObjectNode json) {
    super(json);
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

  public List<Argument> arguments() {
    return list("arguments", Argument::new);
  }

  /** A copy under another name. */
  public Prompt withName(String newName) {
    ObjectNode copy = toJson();
    copy.put("name", newName);
    return new Prompt(copy);
  }

  /** One argument a prompt accepts. */
  public static final class Argument extends JsonView {
    public Argument(ObjectNode json) {
      super(json);
    }

    public String name() {
      return string("name");
    }

    public String description() {
      return string("description");
    }

    public boolean required() {
      return Boolean.TRUE.equals(bool("required"));
    }
  }

  static ObjectNode named(String name) {
    return Json.object().put("name", name);
  }
}
