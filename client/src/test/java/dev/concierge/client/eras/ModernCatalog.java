package dev.concierge.client.eras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the modern test server offers, independent of any transport: tools (some added at run time), a resource, a
 * resource template and a prompt.
 *
 * <p>Tools: {@code echo}; {@code ask-name} (MRTR elicitation with a signed {@code requestState}); {@code region}
 * (its {@code region} argument is mirrored into {@code Mcp-Param-Region}; it reports the header it received);
 * {@code slow} (progress notifications before its result); {@code add-tool} (adds {@code added-N} and announces
 * {@code tools/list_changed}); {@code touch} (announces {@code resources/updated} for a URI); {@code fail} (a tool
 * error); {@code grüße} (a name {@code Mcp-Name} must encode); {@code bad-header} (an invalid {@code x-mcp-header}
 * annotation). Added tools, {@code grüße} and {@code bad-header} echo like {@code echo}.
 */
final class ModernCatalog {
  static final String GREETING_URI = "test://greeting";
  static final String ITEM_PREFIX = "test://item/";
  /** List answers may be cached this long: only a change notification can explain a fresher list. */
  static final long LIST_TTL_MS = 600_000;
  static final String UNICODE_TOOL = "grüße";
  /** How long {@code add-tool} and {@code touch} wait for a listen stream to announce the change on. */
  private static final java.time.Duration LISTENER_WAIT = java.time.Duration.ofSeconds(10);

  /** One {@code tools/call} as the catalog needs it. */
  record ToolCall(ObjectNode params, ObjectNode clientCapabilities, Map<String, String> headers,
      Consumer<JsonRpcNotification> related) {
    String name() {
      return Json.text(params, "name");
    }

    ObjectNode arguments() {
      ObjectNode args = Json.obj(params, "arguments");
      return args == null ? Json.object() : args;
    }
  }

  private final RequestStateCodec states;
  private final ListenHub hub;
  private final List<String> added = new CopyOnWriteArrayList<>();
  private final List<ObjectNode> declared = new CopyOnWriteArrayList<>();

  ModernCatalog(RequestStateCodec states, ListenHub hub) {
    this.states = states;
    this.hub = hub;
  }

  ArrayNode tools() {
    ArrayNode tools = Json.array();
    tools.add(tool("echo", "Echoes a message", schema("message", "string", null, true)));
    tools.add(tool("ask-name", "Asks the user for a name (MRTR elicitation)", objectSchema()));
    ObjectNode region = schema("region", "string", "Region", true);
    ((ObjectNode) region.get("properties")).set("query", Json.object().put("type", "string"));
    tools.add(tool("region", "Runs a query in a region; the region is mirrored into Mcp-Param-Region", region));
    tools.add(tool("slow", "Reports progress, then answers", schema("steps", "integer", null, false)));
    tools.add(tool("add-tool", "Adds a tool and announces tools/list_changed", objectSchema()));
    tools.add(tool("touch", "Announces resources/updated for a URI", schema("uri", "string", null, true)));
    tools.add(tool("fail", "Always fails as a tool error", objectSchema()));
    tools.add(tool(UNICODE_TOOL, "Echoes; its name is not header-safe, so Mcp-Name carries it Base64-encoded",
        schema("message", "string", null, true)));
    tools.add(tool("bad-header", "Invalid: x-mcp-header on a number (HTTP clients must leave it out)",
        schema("n", "number", "N", false)));
    declared.forEach(t -> tools.add(t.deepCopy()));
    for (String name : added) {
      tools.add(tool(name, "Added at run time; echoes", schema("message", "string", null, true)));
    }
    return tools;
  }

  /** Lists a tool that a transport answers by itself (the stdio server's misbehaving tools). */
  void declare(String name, String description) {
    declared.add(tool(name, description, objectSchema()));
  }

  /** A tool's definition, or {@code null} when there is no such tool. */
  ObjectNode tool(String name) {
    for (JsonNode t : tools()) {
      if (name != null && name.equals(Json.text(t, "name"))) {
        return (ObjectNode) t;
      }
    }
    return null;
  }

  ObjectNode callTool(ToolCall call) {
    String name = call.name();
    if (name == null || tool(name) == null) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "Tool " + name + " not found");
    }
    ObjectNode args = call.arguments();
    return switch (name) {
      case "echo" -> text("Echo: " + args.path("message").asText());
      case "ask-name" -> askName(call);
      case "region" -> text("region=" + args.path("region").asText() + " header="
          + (call.headers() == null ? "(stdio)" : call.headers().getOrDefault("mcp-param-region", "(none)")));
      case "slow" -> slow(call, args.path("steps").asInt(3));
      case "add-tool" -> {
        String added = "added-" + (this.added.size() + 1);
        this.added.add(added);
        hub.awaitListener(sub -> sub.wants("toolsListChanged"), LISTENER_WAIT);
        hub.toolsChanged();
        yield text("added " + added);
      }
      case "touch" -> {
        hub.awaitListener(sub -> sub.watches(args.path("uri").asText()), LISTENER_WAIT);
        hub.resourceUpdated(args.path("uri").asText());
        yield text("touched " + args.path("uri").asText());
      }
      case "fail" -> {
        ObjectNode result = text("this tool always fails");
        result.put("isError", true);
        yield result;
      }
      default -> text("Echo: " + args.path("message").asText()); // grüße, bad-header and added tools
    };
  }

  /**
   * Round 1: no answer yet, so ask for one ({@code input_required} with an elicitation and a signed state). Round 2:
   * the state must verify and the answer must be there; a missing answer asks again, as the MRTR rules suggest.
   */
  private ObjectNode askName(ToolCall call) {
    JsonNode answer = call.params().path("inputResponses").path("who");
    String state = Json.text(call.params(), "requestState");
    if (state != null && answer.isObject()) {
      String round = states.open(McpMethods.TOOLS_CALL, "ask-name", state);
      String action = answer.path("action").asText();
      return "accept".equals(action)
          ? text("Hello, " + answer.path("content").path("name").asText() + "! (round " + round + ")")
          : text("(" + action + ")");
    }
    if (!call.clientCapabilities().has("elicitation")) {
      ObjectNode data = Json.object();
      data.set("requiredCapabilities", Json.object().set("elicitation", Json.object()));
      throw new McpException(ErrorCodes.MISSING_REQUIRED_CLIENT_CAPABILITY,
          "ask-name needs the elicitation capability", data);
    }
    ObjectNode requestedSchema = schema("name", "string", null, true);
    ObjectNode elicit = Json.object().put("method", McpMethods.ELICITATION_CREATE);
    elicit.set("params", Json.object().put("mode", "form").put("message", "Your name?")
        .set("requestedSchema", requestedSchema));
    ObjectNode result = Json.object().put("resultType", "input_required");
    result.set("inputRequests", Json.object().set("who", elicit));
    result.put("requestState", states.seal(McpMethods.TOOLS_CALL, "ask-name", "2"));
    return result;
  }

  private ObjectNode slow(ToolCall call, int steps) {
    JsonNode token = call.params().path("_meta").get(MetaKeys.PROGRESS_TOKEN);
    for (int i = 1; token != null && i <= steps; i++) {
      ObjectNode progress = Json.object();
      progress.set("progressToken", token);
      progress.put("progress", i).put("total", steps).put("message", "step " + i);
      call.related().accept(new JsonRpcNotification(McpMethods.NOTIFICATION_PROGRESS, progress));
    }
    return text("done after " + steps + " steps");
  }

  ObjectNode resources() {
    ArrayNode list = Json.array();
    list.addObject().put("uri", GREETING_URI).put("name", "greeting").put("mimeType", "text/plain");
    return listResult("resources", list);
  }

  ObjectNode resourceTemplates() {
    ArrayNode list = Json.array();
    list.addObject().put("uriTemplate", ITEM_PREFIX + "{id}").put("name", "item").put("mimeType", "text/plain");
    return listResult("resourceTemplates", list);
  }

  ObjectNode readResource(String uri) {
    String text;
    if (GREETING_URI.equals(uri)) {
      text = "Hello from a resource";
    } else if (uri != null && uri.startsWith(ITEM_PREFIX) && uri.length() > ITEM_PREFIX.length()) {
      text = "Item " + uri.substring(ITEM_PREFIX.length());
    } else {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "Resource not found: " + uri,
          Json.object().put("uri", uri));
    }
    ArrayNode contents = Json.array();
    contents.addObject().put("uri", uri).put("mimeType", "text/plain").put("text", text);
    ObjectNode result = Json.object();
    result.set("contents", contents);
    return result;
  }

  ObjectNode prompts() {
    ArrayNode list = Json.array();
    ObjectNode greet = list.addObject().put("name", "greet").put("description", "Greets someone");
    greet.putArray("arguments").addObject().put("name", "who").put("required", true);
    return listResult("prompts", list);
  }

  ObjectNode getPrompt(String name, JsonNode arguments) {
    if (!"greet".equals(name)) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "Prompt " + name + " not found");
    }
    ObjectNode result = Json.object();
    ObjectNode message = result.putArray("messages").addObject().put("role", "user");
    message.set("content", Json.object().put("type", "text")
        .put("text", "Say hello to " + arguments.path("who").asText()));
    return result;
  }

  ObjectNode listTools() {
    return listResult("tools", tools());
  }

  private static ObjectNode listResult(String field, ArrayNode items) {
    ObjectNode result = Json.object();
    result.set(field, items);
    result.put("ttlMs", LIST_TTL_MS).put("cacheScope", "public");
    return result;
  }

  private static ObjectNode tool(String name, String description, ObjectNode inputSchema) {
    ObjectNode tool = Json.object().put("name", name).put("description", description);
    tool.set("inputSchema", inputSchema);
    return tool;
  }

  private static ObjectNode objectSchema() {
    return Json.object().put("type", "object");
  }

  private static ObjectNode schema(String property, String type, String header, boolean required) {
    ObjectNode schema = objectSchema();
    ObjectNode p = schema.putObject("properties").putObject(property).put("type", type);
    if (header != null) {
      p.put("x-mcp-header", header);
    }
    if (required) {
      schema.putArray("required").add(property);
    }
    return schema;
  }

  private static ObjectNode text(String text) {
    ObjectNode result = Json.object();
    result.putArray("content").addObject().put("type", "text").put("text", text);
    return result;
  }
}
