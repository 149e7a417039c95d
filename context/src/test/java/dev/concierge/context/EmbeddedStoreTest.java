package dev.concierge.context;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded backend (one Lucene directory). */
class EmbeddedStoreTest extends MemoryStoreContract {
  @TempDir
  Path dir;

  @Override
  MemoryStore open(Clock clock, Embedder embedder) throws Exception {
    return new EmbeddedStore(dir, embedder, clock);
  }

  @Override
  boolean holdsTrace(String term) throws Exception {
    return ((EmbeddedStore) store).indexContainsTerm(term);
  }
}
