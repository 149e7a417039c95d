package dev.concierge.context;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal rank fusion of several rankings of the same items: an item's score is the sum over rankings
 * of {@code weight / (k + rank)}. Ranks, not raw scores, are fused, so BM25 and cosine need no common scale.
 */
final class RankFusion<T> {
  /** The rank constant (usually 60): damps the weight of the very first ranks. */
  private final int k;
  private final Map<T, Double> scores = new LinkedHashMap<>();

  RankFusion(int k) {
    this.k = k;
  }

  /** Adds one ranking, best first. */
  void add(List<T> ranking, double weight) {
    for (int rank = 0; rank < ranking.size(); rank++) {
      scores.merge(ranking.get(rank), weight / (k + rank + 1), Double::sum);
    }
  }

  /** The {@code k} best items with their fused scores; ties keep the order in which items were first ranked. */
  List<Map.Entry<T, Double>> top(int k) {
    List<Map.Entry<T, Double>> all = new ArrayList<>(scores.entrySet());
    all.sort(Map.Entry.<T, Double>comparingByValue(Comparator.reverseOrder()));
    return all.subList(0, Math.min(k, all.size()));
  }
}
