package dev.concierge.context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The versions of one memory form a series named by its first version's id: every backend keys forget by it. */
final class MemorySeries {
  private MemorySeries() {}

  /** Each version's series: the id at the start of its {@code supersedes} chain (a version whose chain leaves the
   * list starts its own). */
  static Map<String, String> of(List<Memory> versions) {
    Map<String, Memory> byId = new HashMap<>();
    versions.forEach(m -> byId.put(m.id(), m));
    Map<String, String> series = new HashMap<>();
    for (Memory m : versions) {
      Memory first = m;
      for (int hops = 0; first.supersedes() != null && byId.containsKey(first.supersedes()) && hops < 10_000; hops++) {
        first = byId.get(first.supersedes());
      }
      series.put(m.id(), first.id());
    }
    return series;
  }
}
