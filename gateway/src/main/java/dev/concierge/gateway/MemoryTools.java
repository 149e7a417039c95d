package dev.concierge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.DeletionReceipt;
import dev.concierge.context.Filter;
import dev.concierge.context.Hit;
import dev.concierge.context.Memory;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Owner;
import dev.concierge.context.Provenance;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.Exchange;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The gateway's built-in {@code memory} server: {@code memory__remember}, {@code memory__recall},
 * {@code memory__forget} and {@code memory__list}. The user is always the authenticated principal — no argument
 * names a user, so no call can reach another user's memories.
 */
final class MemoryTools {
  static final String SERVER = "memory";
  static final String PREFIX = SERVER + "__";

  private final MemoryStore store;
  private final List<ObjectNode> definitions;

  MemoryTools(MemoryStore store) {
    this.store = store;
    this.definitions = List.of(
        tool("remember", "Remember something about the user for later conversations, across every tool and "
            + "session: a fact, a preference, or a note.", """
            {"type":"object","properties":{
              "text":{"type":"string","description":"What to remember, as a self-contained sentence"},
              "kind":{"type":"string","enum":["fact","preference","episode","note"]},
              "context":{"type":"string","description":"What surrounded it (the conversation around it): \
            helps find it later, is not part of it"},
              "metadata":{"type":"object"}},"required":["text"]}"""),
        tool("recall", "Find what was remembered about the user that is relevant to a query.", """
            {"type":"object","properties":{
              "query":{"type":"string"},"k":{"type":"integer","minimum":1,"maximum":50},
              "kind":{"type":"string","enum":["fact","preference","episode","note"]}},"required":["query"]}"""),
        tool("forget", "Forget one memory by id, or everything remembered about the user.", """
            {"type":"object","properties":{"id":{"type":"string"},"all":{"type":"boolean"}}}"""),
        tool("list", "The most recent memories of the user.", """
            {"type":"object","properties":{"limit":{"type":"integer","minimum":1,"maximum":200}}}"""));
  }

  static final String SCHEME = "memory://";
  private static final String PROFILE = SCHEME + "profile";
  private static final String RECENT = SCHEME + "recent";
  private static final String ITEM = SCHEME + "memories/";

  /** Whether a resource URI is the memory server's. */
  static boolean owns(String uri) {
    return uri != null && uri.startsWith(SCHEME);
  }

  /** The user's profile and recent memories, as resources a host can attach to a conversation. */
  List<ObjectNode> resources() {
    return List.of(
        Json.object().put("uri", PROFILE).put("name", "memory-profile").put("mimeType", "text/markdown")
            .put("description", "What is known about you: your remembered facts and preferences"),
        Json.object().put("uri", RECENT).put("name", "memory-recent").put("mimeType", "application/json")
            .put("description", "Your most recent memories, newest first"));
  }

  /** One memory by id. */
  ObjectNode template() {
    return Json.object().put("uriTemplate", ITEM + "{id}").put("name", "memory").put("mimeType", "application/json")
        .put("description", "One of your memories, by id");
  }

  /** Reads a {@code memory://} resource of the calling user. */
  ObjectNode read(Exchange exchange, String uri) {
    Owner owner = owner(exchange.principal());
    try {
      ObjectNode content = Json.object().put("uri", uri);
      if (uri.equals(PROFILE)) {
        content.put("mimeType", "text/markdown").put("text",
            dev.concierge.context.ContextBlock.render(dev.concierge.context.ContextBlock.build(store, owner, null, 2000)));
      } else if (uri.equals(RECENT)) {
        ArrayNode items = Json.array();
        store.list(owner, Filter.NONE, 20).forEach(m -> items.add(describe(m)));
        content.put("mimeType", "application/json").put("text", Json.write(items));
      } else if (uri.startsWith(ITEM)) {
        Memory m = store.get(owner, uri.substring(ITEM.length())).orElseThrow(() -> notFound(uri));
        content.put("mimeType", "application/json").put("text", Json.write(describe(m)));
      } else {
        throw notFound(uri);
      }
      ObjectNode result = Json.object();
      result.putArray("contents").add(content);
      return result;
    } catch (IOException e) {
      throw new McpException(ErrorCodes.INTERNAL_ERROR, "the memory store failed: " + e.getMessage());
    }
  }

  private static McpException notFound(String uri) {
    return new McpException(ErrorCodes.INVALID_PARAMS, "Resource not found: " + uri, Json.object().put("uri", uri));
  }

  /** The tool definitions, with their exposed names. */
  List<ObjectNode> definitions() {
    return definitions;
  }

  static Owner owner(Principal principal) {
    return new Owner(principal.tenant(), principal.user());
  }

  ObjectNode call(Exchange exchange, String tool, JsonNode args) {
    Owner owner = owner(exchange.principal());
    try {
      return switch (tool) {
        case "remember" -> {
          Memory m = store.remember(owner, new NewMemory(Json.text(args, "text"), null, Json.text(args, "kind"),
              Json.obj(args, "metadata"), new Provenance(SERVER, "remember", exchange.sessionId(),
              exchange.client().name()), null, null).withContext(Json.optionalText(args, "context")));
          yield result("Remembered (" + m.id() + ").", Json.object().put("id", m.id()));
        }
        case "recall" -> {
          String kind = Json.text(args, "kind");
          Filter filter = new Filter(null, kind == null ? null : Set.of(kind), null, null, null, null, false);
          List<Hit> hits = store.recall(owner, Json.text(args, "query"), args.path("k").asInt(5), filter);
          ArrayNode items = Json.array();
          StringBuilder text = new StringBuilder(hits.isEmpty() ? "Nothing relevant is remembered." : "");
          for (Hit h : hits) {
            items.add(describe(h.memory()).put("score", h.score()));
            text.append("- ").append(h.memory().text()).append(" (").append(h.memory().createdAt().toString(), 0, 10)
                .append(")\n");
          }
          yield result(text.toString().strip(), Json.object().set("memories", items));
        }
        case "forget" -> {
          String id = Json.text(args, "id");
          boolean all = args.path("all").asBoolean(false);
          if ((id == null) == !all) {
            throw new IllegalArgumentException("give either \"id\" or \"all\": true");
          }
          DeletionReceipt r = all ? store.forget(owner, Filter.NONE) : store.forget(owner, id);
          yield result("Forgot " + r.ids().size() + " memory version(s).", r.toJson());
        }
        case "list" -> {
          ArrayNode items = Json.array();
          StringBuilder text = new StringBuilder();
          for (Memory m : store.list(owner, Filter.NONE, args.path("limit").asInt(20))) {
            items.add(describe(m));
            text.append("- ").append(m.text()).append('\n');
          }
          yield result(text.length() == 0 ? "Nothing is remembered yet." : text.toString().strip(),
              Json.object().set("memories", items));
        }
        default -> throw new McpException(ErrorCodes.INVALID_PARAMS, "Unknown tool: " + PREFIX + tool);
      };
    } catch (IllegalArgumentException e) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, e.getMessage());
    } catch (IOException e) {
      throw new McpException(ErrorCodes.INTERNAL_ERROR, "the memory store failed: " + e.getMessage());
    }
  }

  private static ObjectNode describe(Memory m) {
    ObjectNode o = Json.object().put("id", m.id()).put("text", m.text()).put("kind", m.kind())
        .put("created_at", m.createdAt().toString());
    o.set("metadata", m.metadata());
    if (m.context() != null) {
      o.put("context", m.context());
    }
    if (m.provenance().server() != null) {
      o.put("server", m.provenance().server());
    }
    return o;
  }

  private static ObjectNode result(String text, ObjectNode structured) {
    ObjectNode r = Json.object();
    r.putArray("content").addObject().put("type", "text").put("text", text);
    r.set("structuredContent", structured);
    return r;
  }

  private static ObjectNode tool(String name, String description, String schema) {
    ObjectNode t = Json.object().put("name", PREFIX + name).put("description", description);
    t.set("inputSchema", Json.parse(schema));
    return t;
  }
}
