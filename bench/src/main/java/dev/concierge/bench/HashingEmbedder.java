package dev.concierge.bench;

import dev.concierge.context.Embedder;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fast stand-in for the sentence model when loading hundreds of thousands of memories: each word gets a fixed
 * pseudo-random direction (seeded by the word), a text is the normalized sum of its words' directions. Texts that
 * share words end up near each other, so the vector index gets a clustered, non-uniform set of vectors, as it would
 * from a real model — but it carries no meaning. It exists because all-MiniLM-L6-v2 needs a few milliseconds per
 * sentence on this machine's two cores, about an hour for a million memories; this needs microseconds.
 */
final class HashingEmbedder implements Embedder {
  private final int dimensions;
  private final Embedder standsFor;
  private final Map<String, float[]> directions = new ConcurrentHashMap<>();

  /**
   * A stand-in for {@code model}: its vectors go under that model's name, so that the store it loaded opens with the
   * real model for the timed calls, and recall fuses as with that model.
   */
  HashingEmbedder(Embedder model) {
    this.dimensions = model.dimensions();
    this.standsFor = model;
  }

  @Override
  public String model() {
    return standsFor.model();
  }

  @Override
  public Fusion fusion() {
    return standsFor.fusion();
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public float[] embed(String text) {
    float[] sum = new float[dimensions];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!word.isEmpty()) {
        float[] d = directions.computeIfAbsent(word, this::direction);
        for (int i = 0; i < dimensions; i++) {
          sum[i] += d[i];
        }
      }
    }
    double norm = 0;
    for (float x : sum) {
      norm += x * x;
    }
    if (norm == 0) {
      sum[0] = 1; // a text without words still needs a unit vector
      return sum;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      sum[i] *= scale;
    }
    return sum;
  }

  private float[] direction(String word) {
    SplittableRandom r = new SplittableRandom(word.hashCode() * 0x9E3779B97F4A7C15L);
    float[] d = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      d[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return d;
  }
}
