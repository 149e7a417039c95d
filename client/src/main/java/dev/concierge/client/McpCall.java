package dev.concierge.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * One request the client is about to send on a caller's behalf, as interceptors see it. Immutable: rewrite it with
 * the {@code with...} methods and pass the copy to {@link CallInterceptor.Chain#proceed}.
 *
 * @param server the configured server it goes to
 * @param method the MCP method ({@code tools/call}, {@code resources/read}, {@code prompts/get}, ...)
 * @param params the params as they will be sent (for {@code tools/call}: the server's own tool name)
 * @param context the caller's context
 * @param timeout the per-call timeout, or {@code null} for the server's default
 */
public record McpCall(String server, String method, ObjectNode params, CallContext context, Duration timeout) {
  public McpCall {
    params = params == null ? dev.concierge.protocol.Json.object() : params;
    context = context == null ? CallContext.EMPTY : context;
  }

  /** The tool or prompt name, or resource URI, this call names; {@code null} for list requests. */
  public String name() {
    String name = dev.concierge.protocol.Json.text(params, "name");
    return name != null ? name : dev.concierge.protocol.Json.text(params, "uri");
  }

  public McpCall withParams(ObjectNode value) {
    return new McpCall(server, method, value, context, timeout);
  }

  public McpCall withContext(CallContext value) {
    return new McpCall(server, method, params, value, timeout);
  }

  public McpCall withTimeout(Duration value) {
    return new McpCall(server, method, params, context, value);
  }
}
