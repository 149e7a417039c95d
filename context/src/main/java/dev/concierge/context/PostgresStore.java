package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The store on PostgreSQL, for several gateway nodes sharing one state. Every memory version is a row of
 * {@code concierge_memories} (schema in {@code postgres-v1.sql}, the context added by {@code postgres-v4.sql}); a
 * write is one transaction, acknowledged after commit. Any number of processes may open the same database.
 *
 * <p>Recall fuses, as the embedded store does, a lexical ranking — BM25 over the text and context as PostgreSQL's
 * full-text analysis ({@code english} configuration) made them, the row's {@code tsvector} — with semantic ones, the
 * exact nearest neighbours among the owner's embeddings and, for memories with a context, among those of their texts
 * alone. All run on the node, over its index of the owner's versions ({@link OwnerIndex}), which it refreshes from
 * the rows written since it last looked; none needs a database extension. The owner is part of every statement's
 * {@code WHERE}, and the filters are applied before scoring.
 */
public final class PostgresStore implements MemoryStore {
  /** How many of owners' memory versions a node keeps indexed in memory (about 1.7 KB each with embeddings). */
  static final int DEFAULT_CACHED_ENTRIES = 250_000;

  private final PostgresDatabase db;
  private final Embedder embedder;
  private final Clock clock;
  private final Embedder.Fusion fusion;
  private final int cachedEntries;
  /** Owners' in-memory indexes, least recently used first. */
  private final LinkedHashMap<String, OwnerIndex> indexes = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * Opens the store at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db?user=..&password=..}), creating or
   * migrating its tables; {@code embedder} {@code null} means lexical recall only.
   */
  public static PostgresStore open(String jdbcUrl, Embedder embedder) throws IOException {
    return new PostgresStore(jdbcUrl, embedder, Clock.systemUTC(), null);
  }

  /**
   * As {@link #open(String, Embedder)}, with the lexical ranking weighted {@code lexicalWeight} in the fusion instead
   * of the model's own weight ({@link Embedder#fusion}).
   */
  public static PostgresStore open(String jdbcUrl, Embedder embedder, double lexicalWeight) throws IOException {
    return new PostgresStore(jdbcUrl, embedder, Clock.systemUTC(), lexicalWeight);
  }

  PostgresStore(String jdbcUrl, Embedder embedder, Clock clock, Double lexicalWeight) throws IOException {
    this.embedder = embedder;
    this.clock = clock;
    this.fusion = EmbeddingModels.fusion(embedder, lexicalWeight);
    this.cachedEntries = DEFAULT_CACHED_ENTRIES;
    this.db = new PostgresDatabase(jdbcUrl, "concierge-store", 8);
    try {
      checkModel();
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The model that made the vectors is recorded in {@code concierge_settings} by the first open with a model; a
   * store is never opened with another (see postgres-v5.sql). Lexical-only opens neither read nor write vectors.
   */
  private void checkModel() throws IOException {
    if (embedder == null) {
      return;
    }
    String recorded = db.transaction(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO concierge_settings (name, value) SELECT "
          + "'embedding_model', CASE WHEN EXISTS (SELECT 1 FROM concierge_memories WHERE embedding IS NOT NULL) "
          + "THEN ? ELSE ? END ON CONFLICT (name) DO NOTHING")) {
        st.setString(1, OnnxEmbedder.MINI_LM); // vectors from before the setting: the only model there was
        st.setString(2, embedder.model());
        st.executeUpdate();
      }
      return recordedModel(c).orElseThrow(); // the insert above leaves a row in any case
    });
    if (!recorded.equals(embedder.model())) {
      throw new IOException(EmbeddingModels.mismatch("the database", recorded, embedder));
    }
  }

  /** The model named in {@code concierge_settings} (schema 5 and later), if one is. */
  static Optional<String> recordedModel(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT value FROM concierge_settings WHERE name = 'embedding_model'");
        ResultSet rs = st.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  @Override
  public List<Memory> rememberAll(Owner owner, List<NewMemory> memories) throws IOException {
    memories.forEach(NewMemory::validate);
    Instant now = now();
    List<Memory> made = new ArrayList<>();
    List<MemoryDocuments.Vectors> vectors = new ArrayList<>();
    for (NewMemory n : memories) {
      made.add(new Memory(UUID.randomUUID().toString(), owner, n.scope(), n.kind(), n.text(), n.metadata(),
          n.provenance(), n.createdAt() == null ? now : n.createdAt().truncatedTo(ChronoUnit.MILLIS), now, null,
          n.expiresAt() == null ? null : n.expiresAt().truncatedTo(ChronoUnit.MILLIS), null, n.context()));
      vectors.add(MemoryDocuments.Vectors.of(embedder, n.text(), n.context()));
    }
    return db.transaction(c -> {
      long seq = advance(c, owner, false);
      try (PreparedStatement st = c.prepareStatement(PostgresRows.INSERT)) {
        for (int i = 0; i < made.size(); i++) {
          PostgresRows.bindInsert(st, made.get(i), made.get(i).id(), seq, vectors.get(i));
          st.addBatch();
          if (i % 500 == 499) {
            st.executeBatch();
          }
        }
        st.executeBatch();
      }
      return made;
    });
  }

  @Override
  public List<Hit> recall(Owner owner, String query, int k, Filter filter) throws IOException {
    filter.validateRecall(query, k);
    int depth = Math.max(50, 4 * k);
    Instant now = clock.instant();
    float[] semantic = embedder == null ? null : embedder.embedQuery(query);
    return db.work(c -> {
      OwnerIndex index = index(c, owner);
      RankFusion<String> fused = new RankFusion<>(fusion.k());
      fused.add(lexical(c, query, filter, now, depth, index), fusion.lexical());
      if (semantic != null) {
        synchronized (index) {
          fused.add(index.nearest(semantic, filter, now, depth), fusion.vector());
          // memories with context by their text alone too, as in the embedded store (EmbeddedStore#recall)
          fused.add(index.nearestByText(semantic, filter, now, depth), fusion.textVector());
        }
      }
      List<Map.Entry<String, Double>> top = fused.top(k);
      Map<String, Memory> rows = load(c, owner, top.stream().map(Map.Entry::getKey).toList());
      List<Hit> hits = new ArrayList<>();
      for (Map.Entry<String, Double> e : top) {
        Memory m = rows.get(e.getKey());
        if (m != null) { // removed by another node since this node's index last looked
          hits.add(new Hit(m, e.getValue()));
        }
      }
      return hits;
    });
  }

  /**
   * BM25 over the owner's versions: the query is analysed by PostgreSQL (the {@code english} configuration the rows'
   * {@code tsvector}s were made with), and scored against the node's index of those {@code tsvector}s.
   */
  private static List<String> lexical(Connection c, String query, Filter filter, Instant now, int depth,
      OwnerIndex index) throws SQLException {
    Map<String, Integer> terms = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(
        "SELECT lexeme, coalesce(cardinality(positions), 1) FROM unnest(to_tsvector('english', ?)) LIMIT 256")) {
      st.setString(1, query);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          terms.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    if (terms.isEmpty()) {
      return List.of();
    }
    synchronized (index) {
      return index.lexical(terms, filter, now, depth);
    }
  }

  @Override
  public Optional<Memory> get(Owner owner, String id) throws IOException {
    if (id == null || id.isBlank()) {
      return Optional.empty();
    }
    return db.work(c -> Optional.ofNullable(load(c, owner, List.of(id)).get(id)));
  }

  @Override
  public List<Memory> list(Owner owner, Filter filter, int limit) throws IOException {
    filter.validate();
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return db.work(c -> select(c, owner, filter, limit));
  }

  private List<Memory> select(Connection c, Owner owner, Filter filter, int limit) throws SQLException {
    List<Object> params = new ArrayList<>();
    params.add(owner.key());
    String sql = "SELECT " + PostgresRows.MEMORY_COLUMNS + " FROM concierge_memories WHERE owner = ? AND "
        + PostgresRows.where(filter, clock.instant(), params) + " ORDER BY created_at DESC, id LIMIT " + limit;
    List<Memory> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      PostgresRows.bind(st, params);
      st.setFetchSize(1000);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(PostgresRows.memory(rs));
        }
      }
    }
    return out;
  }

  @Override
  public Memory update(Owner owner, String id, String text, ObjectNode metadata, String context)
      throws IOException {
    Memory current = get(owner, id).filter(Memory::current).orElseThrow(() -> new IllegalArgumentException(
        "no current memory " + id));
    // Embedded before the transaction: the version read under its lock below is this one (versions never change)
    // or the update fails.
    String nextContext = context == null ? current.context() : context;
    new NewMemory(text, null, null, null, null, null, null, nextContext).validate();
    MemoryDocuments.Vectors vectors = MemoryDocuments.Vectors.of(embedder, text, nextContext);
    return db.transaction(c -> {
      long seq = advance(c, owner, false);
      Memory old = null;
      String series = null;
      try (PreparedStatement st = c.prepareStatement("SELECT " + PostgresRows.MEMORY_COLUMNS + ", series "
          + "FROM concierge_memories WHERE owner = ? AND id = ? AND valid_to IS NULL FOR UPDATE")) {
        st.setString(1, owner.key());
        st.setString(2, id);
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            old = PostgresRows.memory(rs);
            series = rs.getString(PostgresRows.MEMORY_COLUMN_COUNT + 1);
          }
        }
      }
      if (old == null) {
        throw new IllegalArgumentException("no current memory " + id);
      }
      NewMemory next = new NewMemory(text, old.scope(), old.kind(), metadata == null ? old.metadata() : metadata,
          old.provenance(), old.createdAt(), old.expiresAt(), nextContext);
      next.validate();
      Instant now = now();
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE concierge_memories SET valid_to = ?, seq = ? WHERE owner = ? AND id = ?")) {
        st.setObject(1, PostgresRows.time(now));
        st.setLong(2, seq);
        st.setString(3, owner.key());
        st.setString(4, id);
        st.executeUpdate();
      }
      Memory fresh = new Memory(UUID.randomUUID().toString(), owner, next.scope(), next.kind(), next.text(),
          next.metadata(), next.provenance(), old.createdAt(), now, null, next.expiresAt(), old.id(), next.context());
      try (PreparedStatement st = c.prepareStatement(PostgresRows.INSERT)) {
        PostgresRows.bindInsert(st, fresh, series, seq, vectors);
        st.executeUpdate();
      }
      return fresh;
    });
  }

  @Override
  public DeletionReceipt forget(Owner owner, String id) throws IOException {
    Removal removal = db.transaction(c -> {
      advance(c, owner, true);
      List<Object> params = List.of(owner.key(), owner.key(), id == null ? "" : id);
      List<String> removed = delete(c, "owner = ? AND series = (SELECT series FROM concierge_memories "
          + "WHERE owner = ? AND id = ?)", params);
      if (removed.isEmpty()) {
        throw new IllegalArgumentException("no memory " + id);
      }
      return new Removal(removed, transactionId(c));
    });
    return receipt(removal);
  }

  @Override
  public DeletionReceipt forget(Owner owner, Filter filter) throws IOException {
    filter.validate();
    Filter withHistory = new Filter(filter.scopes(), filter.kinds(), filter.from(), filter.to(), filter.metadata(),
        filter.server(), true);
    Removal removal = db.transaction(c -> {
      advance(c, owner, true);
      List<Object> params = new ArrayList<>();
      params.add(owner.key());
      return new Removal(delete(c, "owner = ? AND " + PostgresRows.where(withHistory, clock.instant(), params),
          params), transactionId(c));
    });
    return receipt(removal);
  }

  @Override
  public int expire() throws IOException {
    Removal removal = db.transaction(c -> {
      Set<String> owners = new LinkedHashSet<>();
      List<String> removed = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "DELETE FROM concierge_memories WHERE expires_at <= ? RETURNING owner, id")) {
        st.setObject(1, PostgresRows.time(clock.instant()));
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            owners.add(rs.getString(1));
            removed.add(rs.getString(2));
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement("UPDATE concierge_owners SET generation = generation + 1, "
          + "purges = purges + 1 WHERE owner = ANY (?)")) {
        st.setArray(1, c.createArrayOf("text", owners.toArray()));
        st.executeUpdate();
      }
      return new Removal(removed, transactionId(c));
    });
    receipt(removal);
    return removal.ids().size();
  }

  private List<String> delete(Connection c, String where, List<Object> params) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("DELETE FROM concierge_memories WHERE " + where
        + " RETURNING id")) {
      PostgresRows.bind(st, params);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /**
   * After a committed delete: VACUUM removes the dead row versions, their TOAST chunks and index entries (no index
   * holds text), so no row, vector or text of the memory is reachable; every node's index of the owner is rebuilt at
   * its next recall (the purge count moved). The receipt says what PostgreSQL still holds: bytes in freed page space
   * and in the write-ahead log, until they are reused or {@link #compact} rewrites the table.
   */
  private DeletionReceipt receipt(Removal removal) throws IOException {
    List<String> remaining = new ArrayList<>();
    if (!removal.ids().isEmpty()) {
      remaining.addAll(RESIDUE);
      if (!vacuumAfter(removal.transaction())) {
        remaining.add(0, "row versions still visible to a transaction older than the forget: removed by the "
            + "next vacuum after it ends");
      }
    }
    List<String> places = embedder == null ? List.of("records", "text index", "caches")
        : List.of("records", "text index", "vectors", "caches");
    return new DeletionReceipt(removal.ids(), places, remaining, clock.instant());
  }

  /** What a removal deleted, and the transaction that deleted it. */
  private record Removal(List<String> ids, long transaction) {}

  private static long transactionId(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT txid_current()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * VACUUM can remove a deleted row only once no transaction that could still see it is running (an analyze, a
   * backup, another node's long query). Waits up to two seconds for those to end, then vacuums; says whether the
   * vacuum could remove everything the removal deleted.
   */
  private boolean vacuumAfter(long transaction) throws IOException {
    return db.work(c -> {
      boolean clear = false;
      try (PreparedStatement older = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
          + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
          + "AND age(backend_xmin) >= age((? % 4294967296)::text::xid)")) {
        older.setLong(1, transaction);
        for (int attempt = 0; attempt < 20 && !clear; attempt++) {
          try (ResultSet rs = older.executeQuery()) {
            rs.next();
            clear = rs.getLong(1) == 0;
          }
          if (!clear) {
            pause(100);
          }
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM (INDEX_CLEANUP ON) concierge_memories");
      }
      return clear;
    });
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final List<String> RESIDUE = List.of("bytes in freed space of database pages, until PostgreSQL "
      + "reuses it or 'concierge store compact' rewrites the table; and in the write-ahead log until it is recycled");

  /**
   * Rewrites the memories table and its indexes into new files ({@code VACUUM FULL}), so that no page of the store
   * holds bytes of a forgotten memory. It locks the table while it runs (seconds per million memories): schedule it.
   */
  public void compact() throws IOException {
    db.work(c -> {
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM FULL concierge_memories");
      }
      return null;
    });
  }

  @Override
  public List<Owner> owners() throws IOException {
    return db.work(c -> {
      List<Owner> owners = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT DISTINCT tenant, user_name FROM concierge_memories")) {
        while (rs.next()) {
          owners.add(new Owner(rs.getString(1), rs.getString(2)));
        }
      }
      return owners;
    });
  }

  @Override
  public void restore(Owner owner, List<Memory> versions) throws IOException {
    Map<String, String> seriesOf = MemorySeries.of(versions);
    List<MemoryDocuments.Vectors> vectors = new ArrayList<>();
    for (Memory m : versions) {
      vectors.add(MemoryDocuments.Vectors.of(embedder, m.text(), m.context()));
    }
    db.transaction(c -> {
      long seq = advance(c, owner, false);
      try (PreparedStatement st = c.prepareStatement(PostgresRows.INSERT + " ON CONFLICT (owner, id) DO NOTHING")) {
        for (int i = 0; i < versions.size(); i++) {
          Memory m = versions.get(i);
          Memory mine = new Memory(m.id(), owner, m.scope(), m.kind(), m.text(), m.metadata(), m.provenance(),
              m.createdAt(), m.validFrom(), m.validTo(), m.expiresAt(), m.supersedes(), m.context());
          PostgresRows.bindInsert(st, mine, seriesOf.get(m.id()), seq, vectors.get(i));
          st.addBatch();
          if (i % 500 == 499) {
            st.executeBatch();
          }
        }
        st.executeBatch();
      }
      return null;
    });
  }

  @Override
  public void close() {
    db.close();
    synchronized (indexes) {
      indexes.clear();
    }
  }

  // ---- owners' generations and the node's indexes ----

  /**
   * Locks the owner's row of {@code concierge_owners} for this transaction and moves its generation (and its purge
   * count for a removal); returns the new generation, which the transaction's rows carry as {@code seq}.
   */
  private static long advance(Connection c, Owner owner, boolean purge) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("INSERT INTO concierge_owners AS o (owner, generation, purges) "
        + "VALUES (?, 1, ?) ON CONFLICT (owner) DO UPDATE SET generation = o.generation + 1, "
        + "purges = o.purges + excluded.purges RETURNING generation")) {
      st.setString(1, owner.key());
      st.setLong(2, purge ? 1 : 0);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The owner's index, brought up to the generation the database has now. */
  private OwnerIndex index(Connection c, Owner owner) throws SQLException {
    long generation = 0;
    long purges = 0;
    try (PreparedStatement st = c.prepareStatement(
        "SELECT generation, purges FROM concierge_owners WHERE owner = ?")) {
      st.setString(1, owner.key());
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          generation = rs.getLong(1);
          purges = rs.getLong(2);
        }
      }
    }
    OwnerIndex index;
    synchronized (indexes) {
      index = indexes.get(owner.key());
      if (index == null || index.purges != purges) {
        index = new OwnerIndex(-1, purges);
        indexes.put(owner.key(), index);
      }
    }
    synchronized (index) {
      if (index.generation < generation) {
        catchUp(c, owner, index, generation);
      }
    }
    evictBeyondCapacity();
    return index;
  }

  /**
   * Reads the rows written since the index's generation. One owner's writes commit in generation order, so once
   * {@code generation} was read, every row up to it is committed; rows committed since may come along too.
   */
  private static void catchUp(Connection c, Owner owner, OwnerIndex index, long generation) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false); // lets the driver stream a large first load instead of holding it all at once
    try (PreparedStatement st = c.prepareStatement("SELECT " + PostgresRows.ENTRY_COLUMNS
        + " FROM concierge_memories WHERE owner = ? AND seq > ?")) {
      st.setFetchSize(2000);
      st.setString(1, owner.key());
      st.setLong(2, index.generation);
      long seen = index.generation;
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          index.apply(PostgresRows.entry(rs));
          seen = Math.max(seen, rs.getLong(2));
        }
      }
      index.generation = Math.max(seen, generation);
      c.commit();
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private void evictBeyondCapacity() {
    synchronized (indexes) {
      int total = indexes.values().stream().mapToInt(OwnerIndex::size).sum();
      var it = indexes.entrySet().iterator();
      while (total > cachedEntries && indexes.size() > 1 && it.hasNext()) {
        total -= it.next().getValue().size();
        it.remove();
      }
    }
  }

  // ---- plumbing ----

  private Map<String, Memory> load(Connection c, Owner owner, List<String> ids) throws SQLException {
    Map<String, Memory> rows = new HashMap<>();
    if (ids.isEmpty()) {
      return rows;
    }
    try (PreparedStatement st = c.prepareStatement("SELECT " + PostgresRows.MEMORY_COLUMNS
        + " FROM concierge_memories WHERE owner = ? AND id = ANY (?)")) {
      st.setString(1, owner.key());
      st.setArray(2, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Memory m = PostgresRows.memory(rs);
          rows.put(m.id(), m);
        }
      }
    }
    return rows;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

}
