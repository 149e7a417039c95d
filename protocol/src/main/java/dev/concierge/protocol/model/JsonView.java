package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed, read-only view over a raw JSON object.
 *
 * <p>The raw object is the truth: getters read from it and {@link #toJson()} returns it whole, so fields this version
 * of Concierge does not know survive a round trip. A view takes ownership of the object it is given; callers must not
 * change it afterwards. {@code with...} methods return a changed copy.
 */
public abstract class JsonView {
  private final ObjectNode json;

  protected JsonView(ObjectNode json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /** A copy of the raw JSON, unknown fields included. */
  public ObjectNode toJson() {
    return json.deepCopy();
  }

  /** The {@code _meta} object, or {@code null}. */
  public ObjectNode meta() {
    return copyOf(Json.obj(json, "_meta"));
  }

  /** The raw object, for subclasses only: never hand it out without copying. */
  protected final ObjectNode raw() {
    return json;
  }

  protected final String string(String field) {
    return Json.text(json, field);
  }

  protected final ObjectNode object(String field) {
    return copyOf(Json.obj(json, field));
  }

  protected final Boolean bool(String field) {
    JsonNode value = json.get(field);
    return value != null && value.isBoolean() ? value.booleanValue() : null;
  }

  protected final <T> List<T> list(String field, Function<ObjectNode, T> view) {
    JsonNode value = json.get(field);
    if (!(value instanceof ArrayNode array)) {
      return List.of();
    }
    List<T> out = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      if (element instanceof ObjectNode object) {
        out.add(view.apply(object.deepCopy()));
      }
    }
    return Collections.unmodifiableList(out);
  }

  protected static ObjectNode copyOf(ObjectNode node) {
    return node == null ? null : node.deepCopy();
  }

  @Override
  public boolean equals(Object other) {
    return other != null && other.getClass() == getClass() && ((JsonView) other).json.equals(json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + Json.write(json);
  }
}
