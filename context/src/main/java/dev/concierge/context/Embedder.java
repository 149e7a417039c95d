package dev.concierge.context;

/** Turns text into a vector for semantic recall. Thread-safe. */
public interface Embedder {
  int dimensions();

  /** A unit-length vector (cosine similarity is then a dot product): how a memory's text is embedded. */
  float[] embed(String text);

  /** The embedding of a recall's query; models trained with a query instruction put it here. */
  default float[] embedQuery(String query) {
    return embed(query);
  }

  /**
   * The model's name, recorded with the vectors a store holds: vectors of two models do not compare, so a store
   * refuses to be opened with another model than the one that made its vectors.
   */
  default String model() {
    return getClass().getName();
  }

  /** How recall weighs this model's rankings against the lexical one. */
  default Fusion fusion() {
    return Fusion.DEFAULT;
  }

  /**
   * Weights of weighted reciprocal rank fusion: a memory's score is the sum over rankings of {@code weight / (k +
   * rank)}; tuned per model (docs/BENCHMARKS.md, "Context store").
   *
   * @param lexical the BM25 ranking (text and context)
   * @param vector the embedding of text with context
   * @param textVector the embedding of the text alone (memories with context only)
   * @param k the rank constant: lower lets the first ranks of each ranking count for more
   */
  record Fusion(double lexical, double vector, double textVector, int k) {
    /**
     * For all-MiniLM-L6-v2: the usual k, and BM25 counting three times the embeddings. Measured on LoCoMo
     * (docs/BENCHMARKS.md): with MiniLM, exact words (names, places, objects) decide most questions and the embedding
     * is best as a tie-breaker — R@10 68.7 at 1:1, 73.9 at 2:1, 76.2 at 3:1, 77.7 at 5:1 (R@25 peaks at 2–3:1).
     */
    public static final Fusion DEFAULT = new Fusion(3, 1, 1, 60);

    public Fusion {
      if (!(lexical > 0) || !(vector >= 0) || !(textVector >= 0) || k < 1) {
        throw new IllegalArgumentException("fusion weights must be positive (lexical) or not negative, k at least 1");
      }
    }

    /** The same with the lexical ranking weighted {@code weight}. */
    public Fusion withLexical(double weight) {
      return new Fusion(weight, vector, textVector, k);
    }
  }
}
