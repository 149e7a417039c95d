package dev.concierge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The gateway's data directory: {@code --store DIR}, or {@code ~/.concierge}. */
final class StoreDir {
  private StoreDir() {}

  static Path resolve(Path store) throws IOException {
    Path dir = store != null ? store : Path.of(System.getProperty("user.home"), ".concierge");
    Files.createDirectories(dir);
    return dir;
  }
}
