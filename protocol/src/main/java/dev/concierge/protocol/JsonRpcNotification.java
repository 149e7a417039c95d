package dev.concierge.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A JSON-RPC notification: no id, no response. {@code params} may be {@code null}. */
public record JsonRpcNotification(String method, ObjectNode params) implements JsonRpcMessage {
  public JsonRpcNotification {
    if (method == null) {
      throw new IllegalArgumentException("a notification needs a method");
    }
  }

  public ObjectNode paramsOrEmpty() {
    return params == null ? Json.object() : params;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("jsonrpc", VERSION);
    node.put("method", method);
    if (params != null) {
      node.set("params", params);
    }
    return node;
  }
}
