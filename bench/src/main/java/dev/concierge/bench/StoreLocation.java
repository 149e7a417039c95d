package dev.concierge.bench;

import dev.concierge.context.Embedder;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.MemoryStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where one benchmark store lives: a directory of the embedded store, or a PostgreSQL database
 * ({@code jdbc:postgresql:...}). The benchmark opens every store through {@link #open}, which goes through
 * {@link MemoryStores#open} — the factory the gateway and the command line use — so any backend that factory knows
 * is measured by the same code.
 */
record StoreLocation(String location) {
  boolean isDirectory() {
    return !MemoryStores.isDatabase(location);
  }

  /** {@code embedder} {@code null}: lexical recall only. The store's default fusion weight. */
  MemoryStore open(Embedder embedder) throws IOException {
    return MemoryStores.open(location, embedder, null);
  }

  /** The bytes of every file under the directory (what {@code du --apparent-size} says); -1 for a database. */
  long bytesOnDisk() throws IOException {
    if (!isDirectory() || !Files.isDirectory(Path.of(location))) {
      return -1;
    }
    try (Stream<Path> files = Files.walk(Path.of(location))) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  /** Removes the directory and everything in it; a database is left as it is (its rows carry a run's tenant). */
  void delete() throws IOException {
    Path dir = Path.of(location);
    if (!isDirectory() || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
