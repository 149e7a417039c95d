package dev.concierge.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A JSON-RPC request: it has an id and expects exactly one response. {@code params} may be {@code null}. */
public record JsonRpcRequest(RequestId id, String method, ObjectNode params) implements JsonRpcMessage {
  public JsonRpcRequest {
    if (id == null || method == null) {
      throw new IllegalArgumentException("a request needs an id and a method");
    }
  }

  /** Params, never null: an empty object when the request had none. */
  public ObjectNode paramsOrEmpty() {
    return params == null ? Json.object() : params;
  }

  /** A copy with another id (MCP requires a fresh id for a retried request). */
  public JsonRpcRequest withId(RequestId newId) {
    return new JsonRpcRequest(newId, method, params);
  }

  public JsonRpcRequest withParams(ObjectNode newParams) {
    return new JsonRpcRequest(id, method, newParams);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("jsonrpc", VERSION);
    node.set("id", id.toJson());
    node.put("method", method);
    if (params != null) {
      node.set("params", params);
    }
    return node;
  }
}
