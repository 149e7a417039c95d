package dev.concierge.context;

import java.time.Instant;
import java.util.List;

/**
 * What a forget removed, and from where: the records, the text index, the vectors, the caches. A receipt is issued
 * only after the removal is durable and the index segments that held the text have been rewritten without it.
 *
 * @param ids every memory version removed
 * @param places where they were removed from ({@code records}, {@code text index}, {@code vectors}, {@code caches})
 * @param completedAt when the removal became durable
 */
public record DeletionReceipt(List<String> ids, List<String> places, Instant completedAt) {
  public DeletionReceipt {
    ids = List.copyOf(ids);
    places = List.copyOf(places);
  }

  /** {@code {"ids": [...], "removed_from": [...], "completed_at": "..."}}, as tools and the command line show it. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var json = dev.concierge.protocol.Json.object();
    ids.forEach(json.putArray("ids")::add);
    places.forEach(json.putArray("removed_from")::add);
    return json.put("completed_at", completedAt.toString());
  }
}
