package dev.concierge.client;

/**
 * Which server, and which call on it, a callback serves: a progress update, a log line, a sampling or elicitation
 * request. {@code method} and {@code name} are {@code null} when the server raised the request outside any call.
 *
 * @param server the configured server name
 * @param method the MCP method of the call ({@code tools/call}, {@code prompts/get}, ...), or {@code null}
 * @param name the server's own tool or prompt name, or resource URI, of that call, or {@code null}
 * @param context the caller's context of that call ({@link CallContext#EMPTY} when none)
 */
public record CallOrigin(String server, String method, String name, CallContext context) {
  public CallOrigin {
    context = context == null ? CallContext.EMPTY : context;
  }

  /** An origin that is the server itself, outside any call. */
  public static CallOrigin ofServer(String server) {
    return new CallOrigin(server, null, null, CallContext.EMPTY);
  }
}
