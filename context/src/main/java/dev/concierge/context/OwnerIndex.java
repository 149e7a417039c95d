package dev.concierge.context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A node's copy of what recall needs about one owner's memory versions in PostgreSQL, without their text: the
 * filterable fields, the token count (for BM25's length normalisation) and the embedding. The semantic ranking is a
 * scan of these vectors, filtered before scoring — exact nearest neighbours, with no database extension needed.
 *
 * <p>It is kept current by {@code concierge_owners}: {@link #generation} and {@link #purges} say which state of the
 * owner's rows it holds; rows written since are added by {@link #apply}, and a removal (purges moved) means a reload.
 */
final class OwnerIndex {
  /** The fields of one memory version that filters and ranking read. */
  record Entry(String id, String scope, String kind, long createdAt, long expiresAt, boolean current, String server,
      Map<String, String> metadata, int tokens, float[] vector) {

    boolean matches(Filter f, long now) {
      return expiresAt > now
          && (current || f.includeHistory())
          && (f.scopes().isEmpty() || f.scopes().contains(scope))
          && (f.kinds().isEmpty() || f.kinds().contains(kind))
          && (f.from() == null || createdAt >= f.from().toEpochMilli())
          && (f.to() == null || createdAt < f.to().toEpochMilli())
          && (f.server() == null || f.server().equals(server))
          && f.metadata().entrySet().stream().allMatch(e -> e.getValue().equals(metadata.get(e.getKey())));
    }
  }

  final long purges;
  long generation;
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Integer> positions = new HashMap<>();
  private long totalTokens;

  OwnerIndex(long generation, long purges) {
    this.generation = generation;
    this.purges = purges;
  }

  /** Adds a row written since, or replaces the older state of one (an update closes a version). */
  void apply(Entry e) {
    Integer at = positions.get(e.id());
    if (at == null) {
      positions.put(e.id(), entries.size());
      entries.add(e);
    } else {
      totalTokens -= entries.get(at).tokens();
      entries.set(at, e);
    }
    totalTokens += e.tokens();
  }

  int size() {
    return entries.size();
  }

  double averageTokens() {
    return entries.isEmpty() ? 1 : Math.max(1, (double) totalTokens / entries.size());
  }

  /** The ids of the {@code depth} versions that pass the filter and are nearest {@code query}, nearest first. */
  List<String> nearest(float[] query, Filter filter, Instant now, int depth) {
    long millis = now.toEpochMilli();
    PriorityQueue<Map.Entry<Float, String>> best = new PriorityQueue<>(Map.Entry.comparingByKey());
    for (Entry e : entries) {
      if (e.vector() == null || !e.matches(filter, millis)) {
        continue;
      }
      float score = dot(query, e.vector());
      if (best.size() < depth) {
        best.add(Map.entry(score, e.id()));
      } else if (score > best.peek().getKey()) {
        best.poll();
        best.add(Map.entry(score, e.id()));
      }
    }
    List<String> ids = new ArrayList<>(best.size());
    while (!best.isEmpty()) {
      ids.add(best.poll().getValue());
    }
    java.util.Collections.reverse(ids);
    return ids;
  }

  /** Four running sums: independent additions the CPU overlaps (one sum would wait on each addition in turn). */
  private static float dot(float[] a, float[] b) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int n = Math.min(a.length, b.length);
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
