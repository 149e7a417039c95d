package dev.concierge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;

/**
 * What the gateway does with the user's memories around one upstream server's tool calls, from its config entry:
 * {@code "context": "off" | "profile" | "relevant"} adds {@code _meta["dev.concierge/context"]} to each call (the
 * user's profile facts and preferences; with {@code relevant} also the memories closest to the call's arguments),
 * within {@code "contextTokens"} (default 400, counted as four characters a token); {@code "capture": "off" |
 * "episodes"} records each call as an {@code episode} memory with its provenance.
 */
public record MemoryPolicy(String context, int contextTokens, boolean captureEpisodes) {
  public static final MemoryPolicy NONE = new MemoryPolicy("off", 400, false);

  public MemoryPolicy {
    if (!context.equals("off") && !context.equals("profile") && !context.equals("relevant")) {
      throw new IllegalArgumentException("\"context\" must be off, profile or relevant, not '" + context + "'");
    }
    if (contextTokens < 1) {
      throw new IllegalArgumentException("\"contextTokens\" must be positive");
    }
  }

  static MemoryPolicy parse(String server, JsonNode entry) {
    String context = Json.text(entry, "context");
    String capture = Json.text(entry, "capture");
    if (capture != null && !capture.equals("off") && !capture.equals("episodes")) {
      throw new IllegalArgumentException("server '" + server + "': \"capture\" must be off or episodes");
    }
    try {
      return new MemoryPolicy(context == null ? "off" : context, entry.path("contextTokens").asInt(400),
          "episodes".equals(capture));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server '" + server + "': " + e.getMessage());
    }
  }

  boolean injects() {
    return !context.equals("off");
  }
}
