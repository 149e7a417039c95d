package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store's per-owner index on its own: its rankings against a brute-force reading of the same entries,
 * and its filters against the entries' fields after updates (the columns it reads must follow the entries).
 */
class OwnerIndexTest {
  private static final long NOW = 1_000_000L;
  private static final String[] SCOPES = {"user", "session:a", "agent:b"};
  private static final String[] KINDS = {"fact", "preference", "episode", "note"};

  private final Random random = new Random(42);

  private OwnerIndex.Entry entry(int i, boolean current, long expiresAt) {
    float[] v = new float[16];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < v.length; d++) {
      v[d] /= (float) Math.sqrt(norm);
    }
    String word = "w" + (i % 7);
    return new OwnerIndex.Entry("m" + i, SCOPES[i % 3], KINDS[i % 4], i, expiresAt, current, "s" + (i % 2),
        Map.of("topic", "t" + (i % 5)), 3, new String[] {word, "common"}, new int[] {1 + i % 2, 1}, v, null);
  }

  @Test
  void nearestIsExactWhenEveryCandidateIsRescoredAndHonoursTheFilter() {
    OwnerIndex index = new OwnerIndex(0, 0);
    List<OwnerIndex.Entry> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // fewer than the 400 candidates the sign pass keeps: every passing one is scored
      OwnerIndex.Entry e = entry(i, i % 10 != 0, i % 11 == 0 ? NOW - 1 : Long.MAX_VALUE);
      all.add(e);
      index.apply(e);
    }
    float[] query = all.get(5).vector();
    Filter filter = new Filter(Set.of("user", "agent:b"), Set.of("fact", "episode"), null, null,
        Map.of(), "s0", false);

    List<String> expected = all.stream()
        .filter(e -> e.current() && e.expiresAt() > NOW && Set.of("user", "agent:b").contains(e.scope())
            && Set.of("fact", "episode").contains(e.kind()) && e.server().equals("s0"))
        .sorted(Comparator.comparingDouble((OwnerIndex.Entry e) -> -dot(query, e.vector()))
            .thenComparing(e -> Integer.parseInt(e.id().substring(1))))
        .limit(10).map(OwnerIndex.Entry::id).toList();

    assertThat(expected).isNotEmpty();
    assertThat(index.nearest(query, filter, Instant.ofEpochMilli(NOW), 10)).containsExactlyElementsOf(expected);
  }

  @Test
  void aClosedVersionLeavesTheFilteredRankingsAndHistoryBringsItBack() {
    OwnerIndex index = new OwnerIndex(0, 0);
    OwnerIndex.Entry first = entry(1, true, Long.MAX_VALUE);
    index.apply(first);
    index.apply(entry(2, true, Long.MAX_VALUE));
    Instant now = Instant.ofEpochMilli(NOW);
    assertThat(index.lexical(Map.of("common", 1), Filter.NONE, now, 10)).containsExactlyInAnyOrder("m1", "m2");

    index.apply(new OwnerIndex.Entry(first.id(), first.scope(), first.kind(), first.createdAt(), first.expiresAt(),
        false, first.server(), first.metadata(), first.tokens(), first.lexemes(), first.frequencies(), null, null));

    assertThat(index.lexical(Map.of("common", 1), Filter.NONE, now, 10)).containsExactly("m2");
    assertThat(index.nearest(first.vector(), Filter.NONE, now, 10)).containsExactly("m2");
    Filter history = new Filter(null, null, null, null, null, null, true);
    assertThat(index.nearest(first.vector(), history, now, 10)).containsExactly("m1", "m2");
    Filter topic = new Filter(null, null, null, null, Map.of("topic", "t2"), null, true);
    assertThat(index.lexical(Map.of("common", 1), topic, now, 10)).containsExactly("m2");
  }

  /** The dot product the index ranks by: components scaled to bytes (so near-ties order as the index orders them). */
  private static double dot(float[] a, float[] b) {
    long s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.round(a[i] * 127) * Math.round(b[i] * 127);
    }
    return s;
  }
}
