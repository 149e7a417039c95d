package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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

  /** Rewriting segments takes seconds in a large store: everyone else's writes and reads go on meanwhile. */
  @Test
  void othersWriteAndReadWhileAForgottenMemoryIsRewrittenOutOfTheFiles() throws Exception {
    Memory secret = store.remember(ALICE, NewMemory.of("my locker combination is qv5512"));
    CountDownLatch erasing = new CountDownLatch(1);
    CountDownLatch othersDone = new CountDownLatch(1);
    ((EmbeddedStore) store).erasing = () -> {
      erasing.countDown();
      try {
        othersDone.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    CompletableFuture<DeletionReceipt> forget = CompletableFuture.supplyAsync(() -> {
      try {
        return store.forget(ALICE, secret.id());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(erasing.await(30, TimeUnit.SECONDS)).isTrue();
    // The rewrite is held open: the memory is already gone from every search, and writes are not held up.
    assertThat(store.list(ALICE, Filter.NONE, 10)).isEmpty();
    store.remember(BOB, NewMemory.of("bob's note written during the rewrite"));
    assertThat(store.list(BOB, Filter.NONE, 10)).hasSize(1);
    assertThat(forget).isNotDone();
    othersDone.countDown();

    assertThat(forget.get(30, TimeUnit.SECONDS).ids()).containsExactly(secret.id());
    assertThat(holdsTrace("qv5512")).isFalse();
  }
}
