package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC response: exactly one of {@code result} and {@code error} is set. {@code id} is {@code null} only for an
 * error about a message whose id could not be read.
 */
public record JsonRpcResponse(RequestId id, JsonNode result, JsonRpcError error) implements JsonRpcMessage {
  public JsonRpcResponse {
    if ((result == null) == (error == null)) {
      throw new IllegalArgumentException("a response has either a result or an error");
    }
  }

  public static JsonRpcResponse success(RequestId id, JsonNode result) {
    return new JsonRpcResponse(id, result, null);
  }

  public static JsonRpcResponse failure(RequestId id, JsonRpcError error) {
    return new JsonRpcResponse(id, null, error);
  }

  public boolean isError() {
    return error != null;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("jsonrpc", VERSION);
    node.set("id", id == null ? NullNode.getInstance() : id.toJson());
    if (error != null) {
      node.set("error", error.toJson());
    } else {
      node.set("result", result);
    }
    return node;
  }
}
