package dev.concierge.context;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Opens the store a location names: a {@code jdbc:postgresql:} URL, or else a directory for the embedded store. */
public final class MemoryStores {
  private MemoryStores() {}

  /**
   * The name of the embedding model whose vectors the store at {@code location} holds, as it recorded it; empty when
   * there is no store there yet or it has recorded none (a store from before the record holds all-MiniLM-L6-v2
   * vectors, if any).
   */
  public static Optional<String> recordedModel(String location) throws IOException {
    if (!isDatabase(location)) {
      return EmbeddedStore.recordedModel(Path.of(location));
    }
    try (Connection c = DriverManager.getConnection(location)) {
      try (ResultSet tables = c.getMetaData().getTables(null, null, "concierge_settings", null)) {
        if (!tables.next()) {
          return Optional.empty(); // a database Concierge has not set up yet, or one from before the setting
        }
      }
      return PostgresStore.recordedModel(c);
    } catch (SQLException e) {
      throw new IOException("cannot read the store's settings: " + e.getMessage(), e);
    }
  }

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
