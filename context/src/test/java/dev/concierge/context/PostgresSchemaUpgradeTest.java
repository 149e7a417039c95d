package dev.concierge.context;

import static dev.concierge.context.MemoryStoreContract.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Schema 4 (a memory's context) on a database an older Concierge left at schema 3 with memories in it, not only on a
 * fresh one: the old rows keep their text, get no context, and stay recallable lexically (their {@code tsv} is made
 * again by the migration) and semantically (their embedding, float32 little-endian, is still read); new rows may
 * have a context.
 */
class PostgresSchemaUpgradeTest {
  private static final Owner ALICE = MemoryStoreContract.ALICE;
  private static final Owner BOB = MemoryStoreContract.BOB;
  /** The columns the schema 3 store wrote (PostgresRows.INSERT before the context): no context, no text_embedding. */
  private static final String V3_INSERT = "INSERT INTO concierge_memories (owner, id, tenant, user_name, series, seq, "
      + "scope, kind, body, body_tokens, metadata, prov_server, prov_tool, prov_session, prov_client, created_at, "
      + "valid_from, valid_to, expires_at, supersedes, embedding) "
      + "VALUES (?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?)";

  @Test
  void aSchema3DatabaseWithMemoriesMigratesToSchema4AndItsMemoriesStayRecallable() throws Exception {
    String url = TestPostgres.freshDatabase();
    Embedder embedder = OnnxEmbedder.miniLm();
    Instant then = Instant.parse("2026-10-01T09:00:00Z");
    String berlin = "Alice lives in Berlin";
    String lisbon = "Alice lives in Lisbon near the harbour";
    String cat = "Her cat is called Miso";
    String bobs = "Bob collects vintage typewriters";
    String a1 = UUID.randomUUID().toString();
    String a2 = UUID.randomUUID().toString();
    String a3 = UUID.randomUUID().toString();
    String b1 = UUID.randomUUID().toString();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // as PostgresSchema did when it knew three migrations
        st.execute("CREATE TABLE IF NOT EXISTS concierge_schema (version integer NOT NULL)");
        for (int v = 1; v <= 3; v++) {
          st.execute(script("postgres-v" + v + ".sql"));
          st.execute("INSERT INTO concierge_schema (version) VALUES (" + v + ")");
        }
      }
      // Alice (a store with an embedder): a memory updated once (two versions of one series), and another one;
      // Bob (a lexical-only store): no embedding. seq is the owner's generation at the write, as advance() made it.
      // An update kept the series and created_at, and marked the old version's valid_to with the new one's seq.
      insert(c, ALICE, a1, a1, 2, berlin, then, then, then.plusSeconds(60), null, embedder.embed(berlin));
      insert(c, ALICE, a1, a2, 2, lisbon, then, then.plusSeconds(60), null, a1, embedder.embed(lisbon));
      insert(c, ALICE, a3, a3, 3, cat, then.plusSeconds(120), then.plusSeconds(120), null, null, embedder.embed(cat));
      insert(c, BOB, b1, b1, 1, bobs, then, then, null, null, null);
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO concierge_owners (owner, generation, purges) VALUES (?, ?, 0)")) {
        st.setString(1, ALICE.key());
        st.setLong(2, 3);
        st.addBatch();
        st.setString(1, BOB.key());
        st.setLong(2, 1);
        st.addBatch();
        st.executeBatch();
      }
      c.commit();
    }

    MemoryStoreContract.MutableClock clock = new MemoryStoreContract.MutableClock(then.plusSeconds(3600));
    try (PostgresStore store = new PostgresStore(url, embedder, clock, null)) {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT array_agg(version ORDER BY version) FROM concierge_schema")) {
        rs.next();
        assertThat((Integer[]) rs.getArray(1).getArray()).containsExactly(1, 2, 3, 4, 5);
      }
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT value FROM concierge_settings WHERE name = 'embedding_model'")) {
        assertThat(rs.next()).isTrue(); // schema 5: the vectors from before are all-MiniLM-L6-v2's
        assertThat(rs.getString(1)).isEqualTo(OnnxEmbedder.MINI_LM);
      }
      Memory current = store.get(ALICE, a2).orElseThrow();
      assertThat(current.text()).isEqualTo(lisbon);
      assertThat(current.context()).isNull();
      assertThat(current.supersedes()).isEqualTo(a1);
      assertThat(current.createdAt()).isEqualTo(then);
      assertThat(current.validFrom()).isEqualTo(then.plusSeconds(60));
      assertThat(store.get(ALICE, a1).orElseThrow().text()).isEqualTo(berlin);
      assertThat(store.get(BOB, b1).orElseThrow().context()).isNull();
      assertThat(store.get(ALICE, b1)).isEmpty();
      // semantic: no word in common with the text
      assertThat(texts(store.recall(ALICE, "which city is her home", 1, Filter.NONE))).containsExactly(lisbon);
      assertThat(texts(store.recall(ALICE, "what is the name of her pet", 1, Filter.NONE))).containsExactly(cat);
      assertThat(texts(store.recall(ALICE, "harbour", 1, Filter.NONE))).containsExactly(lisbon);
      assertThat(texts(store.recall(BOB, "typewriters", 5, Filter.NONE))).containsExactly(bobs);
      assertThat(store.recall(ALICE, "typewriters", 5, Filter.NONE)).extracting(h -> h.memory().owner())
          .containsOnly(ALICE);

      Memory ferry = store.remember(ALICE, NewMemory.of("Alice booked the ferry")
          .withContext("we were planning the Santorini holiday"));
      assertThat(store.get(ALICE, ferry.id()).orElseThrow().context()).isEqualTo(
          "we were planning the Santorini holiday");
      assertThat(texts(store.recall(ALICE, "Santorini", 1, Filter.NONE))).containsExactly("Alice booked the ferry");
    }

    // lexical only (no semantic ranking to find a memory whose tsv is empty): the old rows by a word of their text,
    // the new one by a word only in its context
    try (PostgresStore lexical = new PostgresStore(url, null, new MemoryStoreContract.MutableClock(
        then.plusSeconds(3600)), null)) {
      assertThat(texts(lexical.recall(ALICE, "harbour", 5, Filter.NONE))).containsExactly(lisbon);
      assertThat(texts(lexical.recall(ALICE, "Miso", 5, Filter.NONE))).containsExactly(cat);
      assertThat(texts(lexical.recall(ALICE, "Berlin", 5, new Filter(null, null, null, null, null, null, true))))
          .containsExactly(berlin);
      assertThat(texts(lexical.recall(BOB, "typewriters", 5, Filter.NONE))).containsExactly(bobs);
      assertThat(texts(lexical.recall(ALICE, "Santorini", 5, Filter.NONE))).containsExactly("Alice booked the ferry");
    }
  }

  /** One row as the schema 3 store's PostgresRows.bindInsert wrote it. */
  private static void insert(Connection c, Owner owner, String series, String id, long seq, String text,
      Instant created, Instant validFrom, Instant validTo, String supersedes, float[] vector) throws Exception {
    try (PreparedStatement st = c.prepareStatement(V3_INSERT)) {
      int i = 1;
      st.setString(i++, owner.key());
      st.setString(i++, id);
      st.setString(i++, owner.tenant());
      st.setString(i++, owner.user());
      st.setString(i++, series);
      st.setLong(i++, seq);
      st.setString(i++, "user");
      st.setString(i++, "fact");
      st.setString(i++, text);
      st.setInt(i++, text.split("[^\\p{L}\\p{N}]+").length);
      st.setString(i++, "{}");
      st.setString(i++, null);
      st.setString(i++, null);
      st.setString(i++, null);
      st.setString(i++, null);
      st.setObject(i++, OffsetDateTime.ofInstant(created, ZoneOffset.UTC));
      st.setObject(i++, OffsetDateTime.ofInstant(validFrom, ZoneOffset.UTC));
      st.setObject(i++, validTo == null ? null : OffsetDateTime.ofInstant(validTo, ZoneOffset.UTC));
      st.setObject(i++, null);
      st.setString(i++, supersedes);
      if (vector == null) {
        st.setBytes(i, null);
      } else {
        ByteBuffer b = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(vector);
        st.setBytes(i, b.array());
      }
      st.executeUpdate();
    }
  }

  private static String script(String name) throws Exception {
    try (InputStream in = PostgresSchema.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
