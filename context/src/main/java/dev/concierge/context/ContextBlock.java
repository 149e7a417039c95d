package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A prompt-ready view of what is remembered about a user: their profile (facts and preferences, newest first) and,
 * for a query, the memories most relevant to it — within a token budget (counted as four characters a token, which
 * is close for English and errs long elsewhere). The gateway injects it into upstream calls; {@code concierge memory
 * context} prints it.
 */
public final class ContextBlock {
  private static final int CHARS_PER_TOKEN = 4;
  private static final int PROFILE_ITEMS = 20;
  private static final int RELEVANT_ITEMS = 5;

  private ContextBlock() {}

  /**
   * {@code {"profile": [text...], "relevant": [{text, created_at, server?}...]}}; {@code relevant} only when
   * {@code query} is given (and not blank).
   */
  public static ObjectNode build(MemoryStore store, Owner owner, String query, int tokens) throws IOException {
    if (tokens < 1) {
      throw new IllegalArgumentException("the token budget must be positive");
    }
    int budget = tokens * CHARS_PER_TOKEN;
    ObjectNode block = Json.object();
    ArrayNode profile = block.putArray("profile");
    Set<String> seen = new HashSet<>();
    for (Memory m : store.list(owner, new Filter(null, Set.of("fact", "preference"), null, null, null, null, false),
        PROFILE_ITEMS)) {
      if (m.text().length() > budget) {
        break;
      }
      budget -= m.text().length();
      profile.add(m.text());
      seen.add(m.id());
    }
    if (query != null && !query.isBlank()) {
      ArrayNode relevant = block.putArray("relevant");
      for (Hit h : store.recall(owner, query, RELEVANT_ITEMS, Filter.NONE)) {
        Memory m = h.memory();
        if (seen.contains(m.id()) || m.text().length() > budget) {
          continue;
        }
        budget -= m.text().length();
        ObjectNode item = relevant.addObject().put("text", m.text()).put("created_at", m.createdAt().toString());
        if (m.provenance().server() != null) {
          item.put("server", m.provenance().server());
        }
      }
    }
    return block;
  }

  /** The block as plain text for a prompt: a profile list, then relevant memories with their dates. */
  public static String render(ObjectNode block) {
    StringBuilder out = new StringBuilder();
    if (!block.path("profile").isEmpty()) {
      out.append("What is known about the user:\n");
      block.path("profile").forEach(p -> out.append("- ").append(p.asText()).append('\n'));
    }
    if (!block.path("relevant").isEmpty()) {
      out.append("Relevant memories:\n");
      block.path("relevant").forEach(r -> out.append("- ").append(r.path("text").asText()).append(" (")
          .append(r.path("created_at").asText(), 0, 10).append(")\n"));
    }
    return out.toString();
  }
}
