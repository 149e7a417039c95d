package dev.concierge.context;

/** What both stores do alike with the model that embeds their memories. */
final class EmbeddingModels {
  private EmbeddingModels() {}

  /**
   * The fusion of recall's rankings: the model's own ({@link Embedder#fusion}), the lexical ranking weighted
   * {@code lexicalWeight} instead when that is given; for lexical-only recall (no model) only its lexical weight
   * counts.
   */
  static Embedder.Fusion fusion(Embedder embedder, Double lexicalWeight) {
    Embedder.Fusion fusion = embedder == null ? Embedder.Fusion.DEFAULT : embedder.fusion();
    if (lexicalWeight == null) {
      return fusion;
    }
    if (!(lexicalWeight > 0)) {
      throw new IllegalArgumentException("the lexical weight must be positive");
    }
    return fusion.withLexical(lexicalWeight);
  }

  /** Why a store whose vectors {@code recorded} made is not opened with {@code embedder}, and what to do instead. */
  static String mismatch(String store, String recorded, Embedder embedder) {
    return store + " holds vectors of the embedding model " + recorded + ", which do not compare with those of "
        + embedder.model() + ": open it with " + recorded + " (or lexical only), or copy its memories into a new "
        + "store made with " + embedder.model() + " (concierge store migrate --embedding-model " + embedder.model()
        + "), which embeds them again";
  }
}
