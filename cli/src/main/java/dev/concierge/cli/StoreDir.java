package dev.concierge.cli;

import dev.concierge.context.LocalStateStore;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.MemoryStores;
import dev.concierge.context.PostgresStateStore;
import dev.concierge.context.StateStore;
import dev.concierge.gateway.auth.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the gateway keeps its state: {@code --store DIR} (default {@code ~/.concierge}), or {@code --store
 * jdbc:postgresql://...}, which several gateway nodes share.
 */
final class StoreDir {
  private StoreDir() {}

  static boolean isDatabase(String store) {
    return store != null && MemoryStores.isDatabase(store);
  }

  /** The memory store for {@code --memory on|lexical|off} ({@code null} for off) and the embedding model. */
  static MemoryStore memories(String store, String mode, EmbeddingModelOption model) throws IOException {
    String location = isDatabase(store) ? store : resolve(store).toString();
    return switch (mode) {
      case "on" -> MemoryStores.open(location, model.embedder(false, location), null);
      case "lexical" -> MemoryStores.open(location, null, null);
      case "off" -> null;
      default -> throw new IllegalArgumentException("--memory must be on, lexical or off, not '" + mode + "'");
    };
  }

  /**
   * Sessions, shared secrets and messages between nodes: in the database, or for a directory in this process with
   * the secrets in owner-only files (the {@code requestState} key among them, so restarts accept earlier states).
   */
  static StateStore state(String store) throws IOException {
    if (isDatabase(store)) {
      return PostgresStateStore.open(store);
    }
    Path dir = resolve(store);
    return new LocalStateStore(name -> Secrets.keyFile(dir.resolve(name)));
  }

  /** The data directory; for a database store, a local one is still where local files (tokens, keys) would go. */
  static Path resolve(String store) throws IOException {
    Path dir = store != null && !isDatabase(store) ? Path.of(store)
        : Path.of(System.getProperty("user.home"), ".concierge");
    Files.createDirectories(dir);
    return dir;
  }
}
