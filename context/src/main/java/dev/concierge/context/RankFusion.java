package dev.concierge.context;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal rank fusion of several rankings of the same items: an item's score is the sum over rankings
 * of {@code weight / (K + rank)}. Ranks, not raw scores, are fused, so BM25 and cosine need no common scale.
 */
final class RankFusion<T> {
  /** The usual constant 60: damps the weight of the very first ranks. */
  private static final int K = 60;
  private final Map<T, Double> scores = new LinkedHashMap<>();

  /** Adds one ranking, best first. */
  void add(List<T> ranking, double weight) {
    for (int rank = 0; rank < ranking.size(); rank++) {
      scores.merge(ranking.get(rank), weight / (K + rank + 1), Double::sum);
    }
  }

  /** The {@code k} best items with their fused scores; ties keep the order in which items were first ranked. */
  List<Map.Entry<T, Double>> top(int k) {
    List<Map.Entry<T, Double>> all = new ArrayList<>(scores.entrySet());
    all.sort(Map.Entry.<T, Double>comparingByValue(Comparator.reverseOrder()));
    return all.subList(0, Math.min(k, all.size()));
  }
}
