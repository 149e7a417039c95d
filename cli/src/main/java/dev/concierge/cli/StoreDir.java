package dev.concierge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The gateway's data directory: {@code --store DIR}, or {@code ~/.concierge}. */
final class StoreDir {
  private StoreDir() {}

  /** The memory store for {@code --memory on|lexical|off} ({@code null} for off). */
  static dev.concierge.context.MemoryStore memories(Path dir, String mode) throws IOException {
    return switch (mode) {
      case "on" -> dev.concierge.context.EmbeddedStore.open(dir, new dev.concierge.context.MiniLmEmbedder());
      case "lexical" -> dev.concierge.context.EmbeddedStore.open(dir, null);
      case "off" -> null;
      default -> throw new IllegalArgumentException("--memory must be on, lexical or off, not '" + mode + "'");
    };
  }

  /** The engine's settings, with the {@code requestState} key kept in the store so restarts accept earlier states. */
  static dev.concierge.gateway.mcp.EngineSettings engineSettings(Path dir) throws IOException {
    return dev.concierge.gateway.mcp.EngineSettings.defaults(
        dev.concierge.gateway.auth.Secrets.keyFile(dir.resolve("state-key")));
  }

  static Path resolve(Path store) throws IOException {
    Path dir = store != null ? store : Path.of(System.getProperty("user.home"), ".concierge");
    Files.createDirectories(dir);
    return dir;
  }
}
