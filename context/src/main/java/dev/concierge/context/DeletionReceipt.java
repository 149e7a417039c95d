package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.time.Instant;
import java.util.List;

/**
 * What a forget removed, and from where: the records, the text index, the vectors, the caches. A receipt is issued
 * only after the removal is durable. Where a backend cannot erase every byte at once, {@code remaining} says what is
 * left, in what form, and what removes it — a receipt never claims more than was done.
 *
 * @param ids every memory version removed
 * @param places where they were removed from ({@code records}, {@code text index}, {@code vectors}, {@code caches})
 * @param remaining what is still held anywhere, and until when (empty when nothing is)
 * @param completedAt when the removal became durable
 */
public record DeletionReceipt(List<String> ids, List<String> places, List<String> remaining, Instant completedAt) {
  public DeletionReceipt {
    ids = List.copyOf(ids);
    places = List.copyOf(places);
    remaining = List.copyOf(remaining);
  }

  public DeletionReceipt(List<String> ids, List<String> places, Instant completedAt) {
    this(ids, places, List.of(), completedAt);
  }

  /**
   * {@code {"ids": [...], "removed_from": [...], "remaining": [...], "completed_at": "..."}}, as tools and the
   * command line show it ({@code remaining} only when something is).
   */
  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    ids.forEach(json.putArray("ids")::add);
    places.forEach(json.putArray("removed_from")::add);
    if (!remaining.isEmpty()) {
      remaining.forEach(json.putArray("remaining")::add);
    }
    return json.put("completed_at", completedAt.toString());
  }
}
