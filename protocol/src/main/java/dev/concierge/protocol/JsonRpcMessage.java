package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC 2.0 message: a request, a notification, or a response.
 *
 * <p>{@link #parse(JsonNode)} is strict about the envelope (it names what is wrong with code {@code -32600}) and
 * lenient about everything inside {@code params} and {@code result}, which stay raw JSON trees.
 */
public sealed interface JsonRpcMessage permits JsonRpcRequest, JsonRpcNotification, JsonRpcResponse {
  String VERSION = "2.0";

  /** This message as a JSON object ready to send. */
  ObjectNode toJson();

  /** Compact JSON text, one line, as stdio framing needs. */
  default String toJsonString() {
    return Json.write(toJson());
  }

  /** Compact JSON as UTF-8 bytes, for transports that write bytes. */
  default byte[] toJsonBytes() {
    return Json.writeBytes(toJson());
  }

  /** Parses JSON text into a message. */
  static JsonRpcMessage parse(String text) {
    return parse(Json.parse(text));
  }

  /** Classifies a JSON object as request, notification or response. Batches (arrays) are rejected. */
  static JsonRpcMessage parse(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: expected a JSON object");
    }
    JsonNode version = object.get("jsonrpc");
    if (version == null || !VERSION.equals(version.asText())) {
      throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: \"jsonrpc\" must be \"2.0\"");
    }
    JsonNode method = object.get("method");
    JsonNode idNode = object.get("id");
    if (method != null) {
      if (!method.isTextual()) {
        throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: \"method\" must be a string");
      }
      JsonNode params = object.get("params");
      if (params != null && !params.isNull() && !params.isObject()) {
        throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: \"params\" must be an object");
      }
      ObjectNode paramsObject = params instanceof ObjectNode p ? p : null;
      if (idNode == null) {
        return new JsonRpcNotification(method.asText(), paramsObject);
      }
      RequestId id = RequestId.fromJson(idNode);
      if (id == null) {
        throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: \"id\" must be a string or an integer");
      }
      return new JsonRpcRequest(id, method.asText(), paramsObject);
    }
    RequestId id = RequestId.fromJson(idNode);
    JsonNode result = object.get("result");
    JsonNode error = object.get("error");
    if (result != null && error == null) {
      if (id == null) {
        throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: a result needs an \"id\"");
      }
      return JsonRpcResponse.success(id, result);
    }
    if (error instanceof ObjectNode errorObject && result == null) {
      return JsonRpcResponse.failure(id, JsonRpcError.fromJson(errorObject));
    }
    throw new McpException(ErrorCodes.INVALID_REQUEST,
        "Invalid message: expected \"method\", \"result\" or \"error\"");
  }
}
