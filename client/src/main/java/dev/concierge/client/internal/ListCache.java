package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One server's list answers ({@code tools/list}, ...), all pages joined, kept for the server's {@code ttlMs} (or the
 * configured TTL when it gives none) until a {@code list_changed} or a reconnect drops them.
 */
final class ListCache {
  /** Every item of every page, and the last {@code ttlMs} a page gave ({@code null} when none did). */
  record Pages(List<ObjectNode> items, Long ttlMs) {}

  private record Entry(List<ObjectNode> items, long expiresAtNanos) {}

  private static final int MAX_PAGES = 10_000;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  ListCache(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The cached items of a method while fresh, else {@code null}. */
  List<ObjectNode> fresh(String method) {
    Entry entry = entries.get(method);
    return entry != null && nanoClock.getAsLong() - entry.expiresAtNanos() < 0 ? entry.items() : null;
  }

  /** Caches items for {@code ttlMs}, or for {@code fallback} when the server gave none; zero caches nothing. */
  List<ObjectNode> put(String method, List<ObjectNode> items, Long ttlMs, Duration fallback) {
    List<ObjectNode> frozen = List.copyOf(items);
    long ttlNanos = ttlMs != null ? TimeUnit.MILLISECONDS.toNanos(Math.max(0, ttlMs)) : fallback.toNanos();
    if (ttlNanos > 0) {
      entries.put(method, new Entry(frozen, nanoClock.getAsLong() + ttlNanos));
    }
    return frozen;
  }

  /** Drops one method's list, or every list when {@code method} is {@code null}. */
  void invalidate(String method) {
    if (method == null) {
      entries.clear();
    } else {
      entries.remove(method);
    }
  }

  /**
   * Fetches every page of a list: {@code fetch} gets the params (with {@code cursor} from the second page on) and
   * returns the result. Stops at a cursor seen before, so a server that loops cannot loop us.
   */
  static Pages allPages(Function<ObjectNode, JsonNode> fetch, String field) {
    List<ObjectNode> items = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    Long ttlMs = null;
    do {
      ObjectNode params = Json.object();
      if (cursor != null) {
        params.put("cursor", cursor);
      }
      JsonNode page = fetch.apply(params);
      if (page.get(field) instanceof ArrayNode array) {
        array.forEach(n -> {
          if (n instanceof ObjectNode o) {
            items.add(o);
          }
        });
      }
      if (page.hasNonNull("ttlMs") && page.get("ttlMs").canConvertToLong()) {
        ttlMs = page.get("ttlMs").asLong();
      }
      cursor = Json.text(page, "nextCursor");
    } while (cursor != null && cursors.add(cursor) && cursors.size() < MAX_PAGES);
    return new Pages(items, ttlMs);
  }
}
