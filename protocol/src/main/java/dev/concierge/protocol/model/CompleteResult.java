package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.util.ArrayList;
import java.util.List;

/** The result of {@code completion/complete}: suggested values for a prompt or resource-template argument. */
public final class CompleteResult extends JsonView {
  public CompleteResult(ObjectNode json) {
    super(json);
  }

  public List<String> values() {
    ObjectNode completion = Json.obj(raw(), "completion");
    JsonNode values = completion == null ? null : completion.get("values");
    List<String> out = new ArrayList<>();
    if (values instanceof ArrayNode array) {
      array.forEach(v -> out.add(v.asText()));
    }
    return List.copyOf(out);
  }

  /** Total number of matches when the server knows it, else {@code null}. */
  public Integer total() {
    ObjectNode completion = Json.obj(raw(), "completion");
    JsonNode total = completion == null ? null : completion.get("total");
    return total != null && total.canConvertToInt() ? total.asInt() : null;
  }

  public boolean hasMore() {
    ObjectNode completion = Json.obj(raw(), "completion");
    return completion != null && completion.path("hasMore").asBoolean(false);
  }
}
