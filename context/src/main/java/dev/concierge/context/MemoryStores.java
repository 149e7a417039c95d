package dev.concierge.context;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the store a location names: a {@code jdbc:postgresql:} URL, or else a directory for the embedded store. */
public final class MemoryStores {
  private MemoryStores() {}

  public static boolean isDatabase(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  /** {@code embedder} {@code null} means lexical recall only; {@code lexicalWeight} {@code null}, the default. */
  public static MemoryStore open(String location, Embedder embedder, Double lexicalWeight) throws IOException {
    double weight = lexicalWeight == null ? EmbeddedStore.DEFAULT_LEXICAL_WEIGHT : lexicalWeight;
    return isDatabase(location) ? PostgresStore.open(location, embedder, weight)
        : EmbeddedStore.open(Path.of(location), embedder, weight);
  }
}
