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
              exchange.client().name()), null, null));
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
