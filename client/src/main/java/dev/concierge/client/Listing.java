package dev.concierge.client;

import java.util.List;

/**
 * An aggregate answer: the items every reachable server contributed, in a documented, stable order, with the status of
 * every server (so a caller always knows which servers answered) and any name collisions that were resolved.
 */
public record Listing<T>(List<T> items, List<ServerStatus> servers, List<NameCollision> collisions) {
  public Listing {
    items = List.copyOf(items);
    servers = List.copyOf(servers);
    collisions = List.copyOf(collisions);
  }

  /** Whether every server answered. */
  public boolean complete() {
    return servers.stream().allMatch(s -> s.error() == null);
  }
}
