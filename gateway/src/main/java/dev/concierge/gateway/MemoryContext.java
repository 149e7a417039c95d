package dev.concierge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.ContextBlock;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Owner;
import dev.concierge.context.Provenance;
import dev.concierge.gateway.mcp.Exchange;
import dev.concierge.protocol.Json;
import java.io.IOException;

/**
 * The user's memories around upstream calls: the context block injected into a call's {@code _meta}, and the
 * episode a call leaves behind (see {@link MemoryPolicy}).
 */
final class MemoryContext {
  static final String META_KEY = "dev.concierge/context";
  private static final int SUMMARY_CHARS = 300;

  private final MemoryStore store;

  MemoryContext(MemoryStore store) {
    this.store = store;
  }

  /** The context block for this call: the user's profile and, with {@code relevant}, memories close to its arguments. */
  ObjectNode block(Owner owner, MemoryPolicy policy, JsonNode arguments) throws IOException {
    return ContextBlock.build(store, owner, policy.context().equals("relevant") ? textOf(arguments) : null,
        policy.contextTokens());
  }

  /** Records a finished call as an episode of the user's, with where it came from. */
  void capture(Owner owner, Exchange exchange, String server, String tool, JsonNode arguments, JsonNode result)
      throws IOException {
    String text = "Used " + server + " tool " + tool + " with " + clip(Json.write(arguments)) + " → "
        + clip(resultText(result));
    store.remember(owner, NewMemory.of(text).withKind("episode").withProvenance(new Provenance(server, tool,
        exchange.sessionId(), exchange.client().name())));
  }

  /** The string values of a call's arguments, as a recall query. */
  static String textOf(JsonNode arguments) {
    StringBuilder text = new StringBuilder();
    collect(arguments, text);
    return text.toString().strip();
  }

  private static void collect(JsonNode node, StringBuilder out) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      out.append(node.asText()).append(' ');
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, out));
    }
  }

  private static String resultText(JsonNode result) {
    StringBuilder text = new StringBuilder();
    for (JsonNode c : result.path("content")) {
      if ("text".equals(Json.text(c, "type"))) {
        text.append(c.path("text").asText()).append(' ');
      }
    }
    return text.length() == 0 ? "(no text)" : text.toString().strip();
  }

  private static String clip(String s) {
    return s.length() <= SUMMARY_CHARS ? s : s.substring(0, SUMMARY_CHARS - 1) + "…";
  }
}
