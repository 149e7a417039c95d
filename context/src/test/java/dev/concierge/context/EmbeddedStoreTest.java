package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void aDirectoryFromBeforeTheModelWasRecordedHoldsMiniLmVectors() throws Exception {
    store.remember(ALICE, NewMemory.of("Alice prefers a window seat on long flights"));
    store.close();
    java.nio.file.Files.delete(dir.resolve("EMBEDDING")); // as a store written before the file existed
    Embedder e5 = OnnxEmbedder.named(OnnxEmbedder.E5_SMALL);
    assertThatThrownBy(() -> open(clock, e5).close()).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("embedding model " + OnnxEmbedder.MINI_LM);
    store = open(clock, embedder);
    assertThat(java.nio.file.Files.readString(dir.resolve("EMBEDDING"))).isEqualTo(OnnxEmbedder.MINI_LM);
  }

  @Test
  void e5EmbedsQueriesAndPassagesWithItsInstructionsAndFindsAParaphrase() throws Exception {
    store.close();
    Embedder e5 = OnnxEmbedder.named(OnnxEmbedder.E5_SMALL);
    assertThat(e5.embedQuery("window seat")).isNotEqualTo(e5.embed("window seat"));
    assertThat(e5.fusion()).isNotEqualTo(Embedder.Fusion.DEFAULT);
    java.nio.file.Path other = dir.resolve("e5");
    try (EmbeddedStore e5Store = EmbeddedStore.open(other, e5)) {
      Memory seat = e5Store.remember(ALICE, NewMemory.of("Alice prefers a window seat on long flights"));
      e5Store.remember(ALICE, NewMemory.of("The quarterly report is due on Friday"));
      e5Store.remember(ALICE, NewMemory.of("Her cat is called Miso"));
      assertThat(e5Store.recall(ALICE, "where does she like to sit on an airplane?", 1, Filter.NONE))
          .extracting(h -> h.memory().id()).containsExactly(seat.id());
    }
    assertThat(java.nio.file.Files.readString(other.resolve("EMBEDDING"))).isEqualTo(OnnxEmbedder.E5_SMALL);
    store = open(clock, embedder);
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

  private boolean holdsTraceOnDisk() throws Exception {
    try (org.apache.lucene.index.DirectoryReader reader = org.apache.lucene.index.DirectoryReader.open(
        org.apache.lucene.store.FSDirectory.open(dir.resolve("memories")))) {
      return reader.docFreq(new org.apache.lucene.index.Term("text", "qv5512")) > 0;
    }
  }

  /** A process that dies during the rewrite: the deletion holds, and the next start finishes the rewrite. */
  @Test
  void aRewriteCutShortIsFinishedWhenTheStoreOpensAgain() throws Exception {
    // Among many written at once, so that the one deletion is too small a share of its segment for Lucene's own
    // merges to reclaim it: only a deliberate rewrite removes it.
    List<NewMemory> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(NewMemory.of("routine note number " + i + " about the weekly groceries"));
    }
    many.add(NewMemory.of("my locker combination is qv5512"));
    List<Memory> written = store.rememberAll(ALICE, many);
    ((EmbeddedStore) store).erasing = () -> {
      throw new IllegalStateException("the process dies here");
    };
    assertThatThrownBy(() -> store.forget(ALICE, written.get(200).id())).hasMessageContaining("dies here");
    assertThat(store.list(ALICE, Filter.NONE, 500)).hasSize(200);
    store.close();
    assertThat(holdsTraceOnDisk()).as("the rewrite did not happen").isTrue();

    store = open(clock, embedder);
    assertThat(store.list(ALICE, Filter.NONE, 500)).hasSize(200);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a hang guard: the rewrite takes milliseconds
    while (holdsTrace("qv5512") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(holdsTrace("qv5512")).isFalse();
  }

  /**
   * The receipt's promise checked on the bytes themselves: after a forget, no file of the data directory (segments,
   * log, anything else) holds the memory's text or its context. Among many memories of one segment, so only the
   * rewrite removes it.
   */
  @Test
  void noFileOfTheDataDirectoryHoldsAForgottenMemorysText() throws Exception {
    String secret = "zq7vk4mplx9w";
    String aroundIt = "wx3pq8vault";
    List<NewMemory> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(NewMemory.of("routine note number " + i + " about the weekly groceries"));
    }
    many.add(NewMemory.of("the vault code is " + secret).withContext("which vault? the " + aroundIt + " one"));
    Memory forgotten = store.rememberAll(ALICE, many).get(200);
    store.close(); // committed into the segments
    store = open(clock, embedder);
    assertThat(filesHolding(secret)).as("control: the scan finds the text in the index files")
        .anyMatch(f -> f.startsWith(dir.resolve("memories")));
    assertThat(filesHolding(aroundIt)).as("control: and the context").anyMatch(f -> f.startsWith(dir.resolve(
        "memories")));

    store.forget(ALICE, forgotten.id());
    assertThat(filesHolding(secret)).isEmpty();
    assertThat(filesHolding(aroundIt)).isEmpty();
    store.close();
    assertThat(filesHolding(secret)).as("after close").isEmpty();
    assertThat(filesHolding(aroundIt)).as("after close").isEmpty();
    store = open(clock, embedder);
    assertThat(store.list(ALICE, Filter.NONE, 500)).hasSize(200);
  }

  /**
   * A forget rewrites the segments that held what it removed, and no other: a segment holding only another user's
   * deleted document (the earlier copy an update leaves) keeps its files.
   */
  @Test
  void aForgetLeavesSegmentsThatHeldNothingOfItAlone() throws Exception {
    List<Memory> bobs = store.rememberAll(BOB, routine(200));
    store.update(BOB, bobs.get(0).id(), "bob's first note, corrected", null); // a deleted copy in Bob's segment
    List<NewMemory> alices = routine(200);
    alices.add(NewMemory.of("the vault code is zq7vk4mplx9w"));
    Memory secret = store.rememberAll(ALICE, alices).get(200);
    store.close(); // everything committed
    store = open(clock, embedder);
    List<org.apache.lucene.index.SegmentCommitInfo> untouched = committedSegments().stream()
        .filter(s -> s.getDelCount() > 0).toList();
    assertThat(untouched).as("control: the update left a deleted document").isNotEmpty();

    store.forget(ALICE, secret.id());
    assertThat(holdsTrace("zq7vk4mplx9w")).isFalse();
    List<String> names = committedSegments().stream().map(s -> s.info.name).toList();
    for (org.apache.lucene.index.SegmentCommitInfo s : untouched) {
      assertThat(names).contains(s.info.name);
      for (String file : s.files()) {
        assertThat(dir.resolve("memories").resolve(file)).exists();
      }
    }
  }

  /**
   * An update closes a version by writing it again under its id, leaving the earlier copy deleted in an older
   * segment; forgetting the memory rewrites that segment too, though the removal itself deleted nothing there.
   */
  @Test
  void aForgottenMemorysEarlierCopiesInOlderSegmentsGoToo() throws Exception {
    String secret = "kd83hq2vnwx5";
    List<NewMemory> many = routine(200);
    many.add(NewMemory.of("the alarm code is " + secret));
    Memory first = store.rememberAll(ALICE, many).get(200);
    store.close(); // the first copy committed among many others
    store = open(clock, embedder);
    Memory second = store.update(ALICE, first.id(), "the alarm code changed", null);
    store.close();
    store = open(clock, embedder);
    assertThat(filesHolding(secret)).as("control: the earlier copy and the closed version").isNotEmpty();

    store.forget(ALICE, second.id());
    assertThat(filesHolding(secret)).isEmpty();
    assertThat(store.list(ALICE, Filter.NONE, 500)).hasSize(200);
  }

  private static List<NewMemory> routine(int count) {
    List<NewMemory> many = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      many.add(NewMemory.of("routine note number " + i + " about the weekly groceries"));
    }
    return many;
  }

  private List<org.apache.lucene.index.SegmentCommitInfo> committedSegments() throws java.io.IOException {
    try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(dir.resolve("memories"))) {
      List<org.apache.lucene.index.SegmentCommitInfo> all = new ArrayList<>();
      org.apache.lucene.index.SegmentInfos.readLatestCommit(d).forEach(all::add);
      return all;
    }
  }

  private List<Path> filesHolding(String text) throws java.io.IOException {
    byte[] wanted = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).filter(f -> {
        try {
          byte[] bytes = java.nio.file.Files.readAllBytes(f);
          return java.util.stream.IntStream.rangeClosed(0, bytes.length - wanted.length).anyMatch(i ->
              java.util.Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length));
        } catch (java.io.IOException e) {
          return false; // deleted while walking
        }
      }).toList();
    }
  }
}
