package dev.concierge.context;

/** Turns text into a vector for semantic recall. Thread-safe. */
public interface Embedder {
  int dimensions();

  /** A unit-length vector (cosine similarity is then a dot product). */
  float[] embed(String text);
}
