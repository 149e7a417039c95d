package dev.concierge.protocol;

/**
 * JSON-RPC 2.0 and MCP error codes.
 *
 * <p>MCP 2026-07-28 reserves {@code -32020..-32099} for the specification; {@code -32000..-32019} are legacy
 * implementation-defined codes whose meaning a receiver must not assume (except {@code -32002}).
 */
public final class ErrorCodes {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  /** Legacy "resource not found" (2025-11-25 and earlier); 2026-07-28 uses {@link #INVALID_PARAMS}. */
  public static final int RESOURCE_NOT_FOUND_LEGACY = -32002;
  /** 2025-11-25: a URL-mode elicitation is required before the request can proceed. */
  public static final int URL_ELICITATION_REQUIRED = -32042;

  /** 2026-07-28: HTTP headers do not match the body, or a required header is missing. */
  public static final int HEADER_MISMATCH = -32020;
  /** 2026-07-28: the request lacks a client capability the server requires. */
  public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
  /** 2026-07-28: the requested protocol version is not supported; {@code data.supported} lists those that are. */
  public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

  /** Client-side: the request timed out (the code the reference SDKs use). */
  public static final int REQUEST_TIMEOUT = -32001;
  /** Client-side: the connection closed before an answer came. */
  public static final int CONNECTION_CLOSED = -32000;

  private ErrorCodes() {}

  /** Whether an error with this code can only come from a server of the 2026-07-28 era or later. */
  public static boolean isModernProtocolError(int code) {
    return code == HEADER_MISMATCH || code == MISSING_REQUIRED_CLIENT_CAPABILITY || code == UNSUPPORTED_PROTOCOL_VERSION;
  }
}
