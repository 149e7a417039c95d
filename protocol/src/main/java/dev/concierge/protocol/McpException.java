package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Root of every exception Concierge throws: an unchecked exception that carries the JSON-RPC error code that describes
 * it, so that any layer can turn it into a wire error without guessing.
 *
 * <p>Messages never contain secrets or request parameters; {@link #data()} carries structured detail when it is safe.
 */
public class McpException extends RuntimeException {
  private final int code;
  private final transient JsonNode data;

  public McpException(int code, String message) {
    this(code, message, null, null);
  }

  public McpException(int code, String message, JsonNode data) {
    this(code, message, data, null);
  }

  public McpException(int code, String message, JsonNode data, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.data = data;
  }

  /** The JSON-RPC error code. */
  public int code() {
    return code;
  }

  /** Structured detail (the JSON-RPC {@code error.data}), or {@code null}. */
  public JsonNode data() {
    return data;
  }

  /** This exception as a JSON-RPC error object. */
  public JsonRpcError toError() {
    return new JsonRpcError(code, getMessage(), data);
  }
}
