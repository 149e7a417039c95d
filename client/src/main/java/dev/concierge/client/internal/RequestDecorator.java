package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.transport.HttpHeaderValues;
import dev.concierge.client.transport.SendOptions;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dresses a request for the era and transport of one connection: per-request {@code _meta} (2026-07-28), W3C trace
 * context and the user's extra {@code _meta} (both eras), and the HTTP headers ({@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*} from the tool's {@code x-mcp-header} annotations, and the
 * user's per-call headers).
 */
final class RequestDecorator {
  private final ClientEnvironment env;
  private final ClientRequests clientRequests;
  private final Map<String, ObjectNode> toolSchemas = new ConcurrentHashMap<>();

  RequestDecorator(ClientEnvironment env, ClientRequests clientRequests) {
    this.env = env;
    this.clientRequests = clientRequests;
  }

  /** Remembers the input schemas of the server's tools, for their {@code Mcp-Param-*} headers. */
  void rememberTools(List<ObjectNode> tools) {
    toolSchemas.clear();
    for (ObjectNode tool : tools) {
      JsonNode schema = tool.get("inputSchema");
      String name = Json.text(tool, "name");
      if (schema instanceof ObjectNode s && name != null) {
        toolSchemas.put(name, s);
      }
    }
  }

  /** A copy of {@code params} with what the era requires; {@code null} when there is nothing to send. */
  ObjectNode body(ServerConnection.Live l, ObjectNode params, CallOrigin origin) {
    // A shallow copy: only top-level fields and _meta change here; the arguments travel as given.
    ObjectNode body = params == null ? Json.object() : Json.object().setAll(params);
    ObjectNode meta = Json.object();
    if (env.meta() != null) {
      ObjectNode extra = env.meta().meta(origin);
      if (extra != null) {
        meta.setAll(extra);
      }
    }
    ObjectNode given = Json.obj(body, "_meta");
    if (given != null) {
      meta.setAll(given);
    }
    if (origin.context().traceparent() != null) {
      meta.put(MetaKeys.TRACEPARENT, origin.context().traceparent());
      if (origin.context().tracestate() != null) {
        meta.put(MetaKeys.TRACESTATE, origin.context().tracestate());
      }
    }
    if (l.era() == Era.MODERN) {
      meta.put(MetaKeys.PROTOCOL_VERSION, l.version().id());
      meta.set(MetaKeys.CLIENT_INFO, env.clientInfo().toJson());
      if (!relays(origin) || !meta.has(MetaKeys.CLIENT_CAPABILITIES)) {
        meta.set(MetaKeys.CLIENT_CAPABILITIES, clientRequests.capabilities());
      }
      if (env.logLevel() != null) {
        meta.put(MetaKeys.LOG_LEVEL, env.logLevel());
      }
    } else {
      // A caller relaying a 2026-07-28 request may hand over its envelope; a legacy server has no use for it.
      meta.remove(java.util.List.of(MetaKeys.PROTOCOL_VERSION, MetaKeys.CLIENT_INFO, MetaKeys.CLIENT_CAPABILITIES,
          MetaKeys.LOG_LEVEL));
    }
    if (meta.isEmpty()) {
      body.remove("_meta");
    } else {
      body.set("_meta", meta);
    }
    return body.isEmpty() && params == null ? null : body;
  }

  /** Whether the caller relays {@code input_required} itself ({@link CallContext#RELAY_INPUT_REQUIRED}). */
  static boolean relays(CallOrigin origin) {
    return Boolean.TRUE.equals(origin.context().attribute(CallContext.RELAY_INPUT_REQUIRED).orElse(null));
  }

  /** The transport hints for a decorated body. */
  SendOptions send(ServerConnection.Live l, String method, ObjectNode body, CallOrigin origin) {
    Map<String, String> headers = new HashMap<>();
    if (env.headers() != null) {
      Map<String, String> extra = env.headers().headers(origin);
      if (extra != null) {
        headers.putAll(extra);
      }
    }
    String version = l.version().hasVersionHeader() ? l.version().id() : null;
    if (l.era() == Era.MODERN && l.transport() != ServerConfig.Transport.STDIO) {
      headers.put("Mcp-Method", method);
      String name = switch (method) {
        case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> Json.text(body, "name");
        case McpMethods.RESOURCES_READ -> Json.text(body, "uri");
        default -> null;
      };
      if (name != null) {
        headers.put("Mcp-Name", HttpHeaderValues.encodeHeaderValue(name));
      }
      if (McpMethods.TOOLS_CALL.equals(method) && name != null) {
        ObjectNode schema = toolSchemas.get(name);
        if (schema != null) {
          headers.putAll(ParamHeaders.headers(schema, body.get("arguments")));
        }
      }
    }
    return new SendOptions(version, headers);
  }
}
