package dev.concierge.client.eras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The transport-neutral core of the stateless 2026-07-28 test server: checks the per-request {@code _meta} envelope
 * and answers one request. Every request stands alone (no session, no handshake); {@code initialize} is rejected with
 * an error naming the supported versions, as the spec asks of a modern-only server. {@code subscriptions/listen} is
 * long-lived, so the transports serve it through {@link #listen}.
 */
final class ModernDispatcher {
  static final String VERSION = "2026-07-28";
  static final List<String> SUPPORTED = List.of(VERSION);

  private final ModernCatalog catalog;
  private final ListenHub hub;
  private final ObjectNode serverInfo = Json.object().put("name", "concierge-modern-test").put("version", "1.0.0");

  ModernDispatcher(ModernCatalog catalog, ListenHub hub) {
    this.catalog = catalog;
    this.hub = hub;
  }

  ModernCatalog catalog() {
    return catalog;
  }

  /**
   * Why the request's envelope is unacceptable, or {@code null}: {@code -32022} for {@code initialize} and for an
   * unsupported version (with {@code data.supported}), {@code -32602} for a missing envelope.
   */
  JsonRpcError checkEnvelope(JsonRpcRequest request) {
    ObjectNode params = request.paramsOrEmpty();
    if (McpMethods.INITIALIZE.equals(request.method())) {
      String requested = Json.text(params, "protocolVersion");
      return unsupported(requested, "Unsupported protocol version: " + requested + " (this server supports only "
          + String.join(", ", SUPPORTED) + " and has no initialize)");
    }
    ObjectNode meta = Json.obj(params, "_meta");
    String version = Json.text(meta, MetaKeys.PROTOCOL_VERSION);
    if (version == null) {
      return new JsonRpcError(ErrorCodes.INVALID_PARAMS, "Request is missing the required _meta envelope ("
          + MetaKeys.PROTOCOL_VERSION + ", " + MetaKeys.CLIENT_CAPABILITIES + ")", null);
    }
    if (!SUPPORTED.contains(version)) {
      return unsupported(version, "Unsupported protocol version: " + version);
    }
    if (Json.obj(meta, MetaKeys.CLIENT_CAPABILITIES) == null) {
      return new JsonRpcError(ErrorCodes.INVALID_PARAMS,
          "Invalid _meta envelope: " + MetaKeys.CLIENT_CAPABILITIES + " is missing", null);
    }
    return null;
  }

  /**
   * Answers one request (not {@code subscriptions/listen}).
   *
   * @param headers the HTTP request headers, lower-case names, or {@code null} on stdio
   * @param related where notifications about this request go (progress), before the response
   */
  JsonRpcResponse handle(JsonRpcRequest request, Map<String, String> headers,
      Consumer<JsonRpcNotification> related) {
    JsonRpcError invalid = checkEnvelope(request);
    if (invalid != null) {
      return JsonRpcResponse.failure(request.id(), invalid);
    }
    try {
      return JsonRpcResponse.success(request.id(), complete(answer(request, headers, related)));
    } catch (McpException e) {
      return JsonRpcResponse.failure(request.id(), e.toError());
    } catch (RuntimeException e) {
      return JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INTERNAL_ERROR,
          "Internal error: " + e, null));
    }
  }

  /** Opens a listen stream on {@code sink}; the caller must have checked the envelope. */
  ListenHub.Subscription listen(JsonRpcRequest request, Consumer<JsonRpcMessage> sink) {
    ObjectNode filter = Json.obj(request.paramsOrEmpty(), "notifications");
    return hub.open(request.id(), filter == null ? Json.object() : filter, sink);
  }

  ListenHub hub() {
    return hub;
  }

  private ObjectNode answer(JsonRpcRequest request, Map<String, String> headers,
      Consumer<JsonRpcNotification> related) {
    ObjectNode params = request.paramsOrEmpty();
    return switch (request.method()) {
      case McpMethods.SERVER_DISCOVER -> discover();
      case McpMethods.TOOLS_LIST -> catalog.listTools();
      case McpMethods.TOOLS_CALL -> catalog.callTool(new ModernCatalog.ToolCall(params,
          Json.obj(Json.obj(params, "_meta"), MetaKeys.CLIENT_CAPABILITIES), headers, related));
      case McpMethods.RESOURCES_LIST -> catalog.resources();
      case McpMethods.RESOURCES_TEMPLATES_LIST -> catalog.resourceTemplates();
      case McpMethods.RESOURCES_READ -> catalog.readResource(Json.text(params, "uri"));
      case McpMethods.PROMPTS_LIST -> catalog.prompts();
      case McpMethods.PROMPTS_GET -> catalog.getPrompt(Json.text(params, "name"), params.path("arguments"));
      default -> throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + request.method());
    };
  }

  private ObjectNode discover() {
    ObjectNode result = Json.object();
    result.set("supportedVersions", Json.toTree(SUPPORTED));
    ObjectNode caps = result.putObject("capabilities");
    caps.putObject("tools").put("listChanged", true);
    caps.putObject("resources").put("subscribe", true).put("listChanged", true);
    caps.putObject("prompts").put("listChanged", true);
    result.put("instructions", "A test server for the 2026-07-28 revision.");
    result.put("ttlMs", 0).put("cacheScope", "public");
    return result;
  }

  /** Every result says it is complete (unless it asks for input) and who answered. */
  private ObjectNode complete(ObjectNode result) {
    if (!result.has("resultType")) {
      result.put("resultType", "complete");
    }
    result.withObjectProperty("_meta").set(MetaKeys.SERVER_INFO, serverInfo.deepCopy());
    return result;
  }

  private static JsonRpcError unsupported(String requested, String message) {
    ObjectNode data = Json.object();
    data.set("supported", Json.toTree(SUPPORTED));
    if (requested != null) {
      data.put("requested", requested);
    }
    return new JsonRpcError(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, message, data);
  }
}
