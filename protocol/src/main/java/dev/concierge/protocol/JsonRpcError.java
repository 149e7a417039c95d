package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code error} member of a JSON-RPC response. {@code data} may be {@code null}. */
public record JsonRpcError(int code, String message, JsonNode data) {
  public JsonRpcError {
    message = message == null ? "" : message;
  }

  public static JsonRpcError fromJson(ObjectNode node) {
    JsonNode code = node.get("code");
    JsonNode message = node.get("message");
    return new JsonRpcError(
        code != null && code.canConvertToInt() ? code.asInt() : ErrorCodes.INTERNAL_ERROR,
        message != null ? message.asText() : "",
        node.get("data"));
  }

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("code", code);
    node.put("message", message);
    if (data != null) {
      node.set("data", data);
    }
    return node;
  }
}
