package dev.concierge.context;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the store a location names: a {@code jdbc:postgresql:} URL, or else a directory for the embedded store. */
public final class MemoryStores {
  private MemoryStores() {}

  public static boolean isDatabase(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  /**
   * {@code embedder} {@code null} means lexical recall only; {@code lexicalWeight} {@code null}, the model's own
   * weight ({@link Embedder#fusion}).
   */
  public static MemoryStore open(String location, Embedder embedder, Double lexicalWeight) throws IOException {
    if (isDatabase(location)) {
      return lexicalWeight == null ? PostgresStore.open(location, embedder)
          : PostgresStore.open(location, embedder, lexicalWeight);
    }
    return lexicalWeight == null ? EmbeddedStore.open(Path.of(location), embedder)
        : EmbeddedStore.open(Path.of(location), embedder, lexicalWeight);
  }
}
