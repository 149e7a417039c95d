package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NRTCachingDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The default store: one directory holding a Lucene index in which every memory version is one document — record,
 * BM25 text index and HNSW vector together. A write is durable once its line in the {@link WriteAheadLog} is synced
 * (a memory whose {@code remember} returned survives {@code kill -9}), and recallable by any call that starts after
 * it returned ({@link #fresh()}); a forget can be proven: the segments that held it are rewritten without it before
 * the receipt is issued.
 *
 * <p>Recall fuses a lexical ranking (BM25 over English-analysed text and context) and, with an {@link Embedder},
 * semantic ones (nearest neighbours of the query's embedding among the memories' embeddings and, for memories with a
 * context, among those of their texts alone) by reciprocal rank fusion. The owner, current-version, expiry and the
 * caller's filters are one Lucene query that every ranking runs under — never a filter applied to their output.
 */
public final class EmbeddedStore implements MemoryStore {
  /**
   * The layout this code reads and writes; a directory written by a newer one is refused, not misread. 2: memories
   * may have a context (a stored field, a second value of the text field and a second vector).
   */
  static final int SCHEMA_VERSION = 2;
  private static final String SCHEMA_FILE = "SCHEMA";
  /** The model that made the store's vectors (see {@link #checkModel}). */
  private static final String MODEL_FILE = "EMBEDDING";

  private final Embedder embedder;
  private final Clock clock;
  private final Analyzer analyzer = new EnglishAnalyzer();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  /** Rewrites only the segments a forget names (see {@link #rewriteHolding}); bounds the size of any one segment. */
  private final ForgetMergePolicy merges = new ForgetMergePolicy();
  /** Writes added to the index so far, and how many of them the searchers show; see {@link #fresh()}. */
  private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong visible = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean refreshQueued =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Object writeLock = new Object();
  /** Held while deleted documents are rewritten out of the index files (see {@link #erase}). */
  private final Object eraseLock = new Object();
  /**
   * Exists while a forget's deletion is committed and its rewrite not yet done, so that a process dying in between
   * leaves word for the next start to finish it (see {@link #erase}).
   */
  private final Path erasePending;
  /** Removals deleted and not yet rewritten, in this process. */
  private final java.util.concurrent.atomic.AtomicInteger unerased = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closing;
  /** For tests: runs as a rewrite starts, on its thread. */
  volatile Runnable erasing = () -> {};
  /** Durability for single writes; see {@link WriteAheadLog}. */
  private final WriteAheadLog wal;
  private final java.util.concurrent.ScheduledExecutorService committer;
  /** How long acknowledged writes may live in the log only (replayed after a crash) before an index commit. */
  private static final long COMMIT_EVERY_MILLIS = 1000;
  private final Embedder.Fusion fusion;

  /** Opens (or creates) the store in {@code dir}; {@code embedder} {@code null} means lexical recall only. */
  public static EmbeddedStore open(Path dir, Embedder embedder) throws IOException {
    return new EmbeddedStore(dir, embedder, Clock.systemUTC(), null);
  }

  /**
   * As {@link #open(Path, Embedder)}, with the lexical ranking weighted {@code lexicalWeight} in the fusion instead
   * of the model's own weight ({@link Embedder#fusion}).
   */
  public static EmbeddedStore open(Path dir, Embedder embedder, double lexicalWeight) throws IOException {
    return new EmbeddedStore(dir, embedder, Clock.systemUTC(), lexicalWeight);
  }

  EmbeddedStore(Path dir, Embedder embedder, Clock clock) throws IOException {
    this(dir, embedder, clock, null);
  }

  private EmbeddedStore(Path dir, Embedder embedder, Clock clock, Double lexicalWeight) throws IOException {
    this.fusion = EmbeddingModels.fusion(embedder, lexicalWeight);
    this.embedder = embedder;
    this.clock = clock;
    Files.createDirectories(dir);
    checkSchema(dir.resolve(SCHEMA_FILE));
    checkModel(dir, embedder);
    // Segments flushed for searching (not yet committed) stay in memory up to a bound instead of becoming files at
    // once; the commit writes and syncs them.
    this.erasePending = dir.resolve("erase-pending");
    this.directory = new NRTCachingDirectory(FSDirectory.open(dir.resolve("memories")), 5, 64);
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    // Lucene merges small segments while a reader is opened (waiting up to 500 ms by default): with a refresh per
    // write that put merges — graph rebuilds included — on a reader's path. Merges run in the background instead.
    config.setMaxFullFlushMergeWaitMillis(0);
    config.setMergePolicy(merges);
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    this.writer = new IndexWriter(directory, config);
    this.wal = new WriteAheadLog(dir);
    replay(wal.entries()); // what was acknowledged after the last commit before a crash
    writer.commit(); // (also: an empty index is a valid, readable one from the start)
    WriteAheadLog.delete(wal.rotate());
    this.searchers = new SearcherManager(writer, null);
    this.committer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "concierge-store-commit");
      t.setDaemon(true);
      return t;
    });
    committer.scheduleWithFixedDelay(this::commitInBackground, COMMIT_EVERY_MILLIS, COMMIT_EVERY_MILLIS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    if (Files.exists(erasePending)) {
      // A process that died during a forget's rewrite left the deletion committed and the files not yet rewritten:
      // finish that on a thread of its own rather than hold up the start or the background commits.
      Thread finish = new Thread(() -> {
        try {
          rewriteDeleted();
          synchronized (eraseLock) {
            if (unerased.get() == 0) {
              Files.deleteIfExists(erasePending);
            }
          }
        } catch (IOException | RuntimeException e) {
          System.getLogger(EmbeddedStore.class.getName()).log(System.Logger.Level.WARNING,
              "rewriting forgotten memories out of the index failed; the next start retries: " + e);
        }
      }, "concierge-store-erase");
      finish.setDaemon(true);
      finish.start();
    }
  }

  /** Applies log entries again; each is an upsert by id, so an entry the index already holds changes nothing. */
  private void replay(List<ObjectNode> entries) throws IOException {
    for (ObjectNode entry : entries) {
      for (com.fasterxml.jackson.databind.JsonNode version : entry.path("versions")) {
        Memory m = WriteAheadLog.memory(version);
        writer.updateDocument(new Term(MemoryDocuments.ID, m.id()), MemoryDocuments.toDocument(m,
            version.path("series").asText(), WriteAheadLog.vectors(version)));
      }
    }
  }

  /**
   * Makes the log's writes part of an index commit and drops the log files that commit covers. Writers go on
   * meanwhile: they append to the next file, which a later commit covers.
   */
  private void commitInBackground() {
    try {
      List<Path> covered;
      synchronized (writeLock) {
        if (!wal.dirty()) {
          return;
        }
        covered = wal.rotate();
      }
      writer.commit();
      WriteAheadLog.delete(covered);
    } catch (IOException | RuntimeException e) {
      System.getLogger(EmbeddedStore.class.getName()).log(System.Logger.Level.WARNING,
          "background commit failed; the log keeps the writes: " + e);
    }
  }

  /** Logs versions (one durable append) and adds them to the index; visible once the searcher refreshes. */
  private void write(List<Memory> versions, List<String> series, List<MemoryDocuments.Vectors> vectors)
      throws IOException {
    ObjectNode entry = dev.concierge.protocol.Json.object();
    var logged = entry.putArray("versions");
    for (int i = 0; i < versions.size(); i++) {
      logged.add(WriteAheadLog.entry(versions.get(i), series.get(i), vectors.get(i)));
    }
    wal.append(entry);
    for (int i = 0; i < versions.size(); i++) {
      writer.updateDocument(new Term(MemoryDocuments.ID, versions.get(i).id()),
          MemoryDocuments.toDocument(versions.get(i), series.get(i), vectors.get(i)));
    }
    written.incrementAndGet();
    refreshSoon();
  }

  /**
   * A searcher that shows every write whose call has returned. A write does not wait for Lucene to turn it into a
   * searchable segment (that was most of a remember's time, and its slowest part); the refresh starts in the
   * background at once, and a read that comes before it has finished waits for it (or does it) here. So a memory is
   * recallable as soon as remember returns, and a run of writes shares one refresh.
   */
  private IndexSearcher fresh() throws IOException {
    refreshIfStale();
    return searchers.acquire();
  }

  private void refreshIfStale() throws IOException {
    long wanted = written.get();
    if (visible.get() < wanted) {
      searchers.maybeRefreshBlocking(); // shows at least every write counted in `wanted`
      visible.accumulateAndGet(wanted, Math::max);
    }
  }

  private void refreshSoon() {
    if (!refreshQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      committer.execute(() -> {
        refreshQueued.set(false);
        try {
          refreshIfStale();
        } catch (IOException | RuntimeException e) { // a reader refreshes for itself
          System.getLogger(EmbeddedStore.class.getName()).log(System.Logger.Level.DEBUG, "refresh failed: " + e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      refreshQueued.set(false); // the store is closing; a reader (if any) refreshes for itself
    }
  }

  /** Commits everything written so far and drops the log (before a removal, so no log entry can bring it back). */
  private void checkpoint() throws IOException {
    writer.commit();
    WriteAheadLog.delete(wal.rotate());
  }

  private static void checkSchema(Path file) throws IOException {
    if (Files.exists(file)) {
      int found = Integer.parseInt(Files.readString(file).strip());
      if (found > SCHEMA_VERSION) {
        throw new IOException("the store at " + file.getParent() + " has schema " + found + "; this version of "
            + "Concierge reads up to " + SCHEMA_VERSION);
      }
      if (found < SCHEMA_VERSION) {
        // 1 -> 2 changes no document (a memory of layout 1 is one without context), but the directory is marked:
        // a Concierge that reads only layout 1 would drop contexts when it updates or exports a memory.
        Files.writeString(file, Integer.toString(SCHEMA_VERSION), StandardCharsets.UTF_8);
      }
    } else {
      Files.writeString(file, Integer.toString(SCHEMA_VERSION), StandardCharsets.UTF_8);
    }
  }

  /**
   * Vectors of two models do not compare: the name of the model that made a store's vectors is kept in
   * {@value #MODEL_FILE}, written by the first open with a model, and a store is never opened with another (a
   * lexical-only open neither reads nor writes vectors). A directory from before the file holds all-MiniLM-L6-v2
   * vectors, if any: the only model there was.
   */
  private static void checkModel(Path dir, Embedder embedder) throws IOException {
    if (embedder == null) {
      return;
    }
    Optional<String> written = recordedModel(dir);
    String recorded = written.orElse(hasVectors(dir.resolve("memories")) ? OnnxEmbedder.MINI_LM : null);
    if (recorded != null && !recorded.equals(embedder.model())) {
      throw new IOException(EmbeddingModels.mismatch("the store at " + dir, recorded, embedder));
    }
    if (written.isEmpty()) {
      Files.writeString(dir.resolve(MODEL_FILE), embedder.model(), StandardCharsets.UTF_8);
    }
  }

  /** The model named in the directory's {@value #MODEL_FILE}, if there is one. */
  static Optional<String> recordedModel(Path dir) throws IOException {
    Path file = dir.resolve(MODEL_FILE);
    return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
  }

  private static boolean hasVectors(Path index) throws IOException {
    if (!Files.isDirectory(index)) {
      return false;
    }
    try (org.apache.lucene.store.Directory d = FSDirectory.open(index)) {
      if (!DirectoryReader.indexExists(d)) {
        return false;
      }
      try (DirectoryReader reader = DirectoryReader.open(d)) {
        return reader.leaves().stream()
            .anyMatch(leaf -> leaf.reader().getFieldInfos().fieldInfo(MemoryDocuments.VECTOR) != null);
      }
    }
  }

  @Override
  public List<Memory> rememberAll(Owner owner, List<NewMemory> memories) throws IOException {
    memories.forEach(NewMemory::validate);
    Instant now = clock.instant();
    List<Memory> made = new ArrayList<>();
    List<String> series = new ArrayList<>();
    List<MemoryDocuments.Vectors> vectors = new ArrayList<>();
    for (NewMemory n : memories) {
      Memory m = new Memory(UUID.randomUUID().toString(), owner, n.scope(), n.kind(), n.text(), n.metadata(),
          n.provenance(), n.createdAt() == null ? now : n.createdAt(), now, null, n.expiresAt(), null, n.context());
      made.add(m);
      series.add(m.id());
      vectors.add(MemoryDocuments.Vectors.of(embedder, m.text(), m.context()));
    }
    synchronized (writeLock) {
      write(made, series, vectors);
    }
    return made;
  }

  @Override
  public List<Hit> recall(Owner owner, String query, int k, Filter filter) throws IOException {
    filter.validateRecall(query, k);
    Query scope = scopeQuery(owner, filter);
    int depth = Math.max(50, 4 * k);
    IndexSearcher searcher = fresh();
    try {
      RankFusion<Integer> fused = new RankFusion<>(fusion.k());
      Query lexical = lexicalQuery(query, scope);
      if (lexical != null) {
        fused.add(docs(searcher.search(lexical, depth)), fusion.lexical());
      }
      if (embedder != null) {
        float[] vector = embedder.embedQuery(query);
        fused.add(docs(searcher.search(new KnnFloatVectorQuery(MemoryDocuments.VECTOR, vector, depth, scope),
            depth)), fusion.vector());
        // Memories with context rank by their text alone too: the context makes a memory findable by questions
        // about what surrounded it, and blurs the embedding of what it says (docs/BENCHMARKS.md, "Context store").
        // Only they have this vector; without any, the search is skipped (it would still build its pre-filter).
        if (hasField(searcher, MemoryDocuments.TEXT_VECTOR)) {
          fused.add(docs(searcher.search(new KnnFloatVectorQuery(MemoryDocuments.TEXT_VECTOR, vector, depth, scope),
              depth)), fusion.textVector());
        }
      }
      List<Hit> hits = new ArrayList<>();
      for (Map.Entry<Integer, Double> e : fused.top(k)) {
        hits.add(new Hit(load(searcher, e.getKey()), e.getValue()));
      }
      return hits;
    } finally {
      searchers.release(searcher);
    }
  }

  /** Whether any segment has the field (a look at a few segments' field lists). */
  private static boolean hasField(IndexSearcher searcher, String field) {
    return searcher.getIndexReader().leaves().stream()
        .anyMatch(leaf -> leaf.reader().getFieldInfos().fieldInfo(field) != null);
  }

  private static List<Integer> docs(TopDocs ranking) {
    List<Integer> docs = new ArrayList<>(ranking.scoreDocs.length);
    for (ScoreDoc sd : ranking.scoreDocs) {
      docs.add(sd.doc);
    }
    return docs;
  }

  @Override
  public Optional<Memory> get(Owner owner, String id) throws IOException {
    List<Memory> found = search(idQuery(owner, id), 1);
    return found.stream().findFirst();
  }

  @Override
  public List<Memory> list(Owner owner, Filter filter, int limit) throws IOException {
    filter.validate();
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return search(scopeQuery(owner, filter), limit);
  }

  @Override
  public Memory update(Owner owner, String id, String text, ObjectNode metadata, String context)
      throws IOException {
    Memory current = currentVersion(owner, id);
    NewMemory next = new NewMemory(text, current.scope(), current.kind(),
        metadata == null ? current.metadata() : metadata, current.provenance(), current.createdAt(),
        current.expiresAt(), context == null ? current.context() : context);
    next.validate();
    // Embedded before the lock: a version never changes, so if it is still current under the lock these are its.
    MemoryDocuments.Vectors closedVectors = MemoryDocuments.Vectors.of(embedder, current.text(), current.context());
    MemoryDocuments.Vectors freshVectors = MemoryDocuments.Vectors.of(embedder, next.text(), next.context());
    synchronized (writeLock) {
      Memory old = currentVersion(owner, id);
      Instant now = clock.instant();
      String series = seriesOf(owner, id);
      Memory closed = new Memory(old.id(), owner, old.scope(), old.kind(), old.text(), old.metadata(),
          old.provenance(), old.createdAt(), old.validFrom(), now, old.expiresAt(), old.supersedes(), old.context());
      Memory fresh = new Memory(UUID.randomUUID().toString(), owner, next.scope(), next.kind(), next.text(),
          next.metadata(), next.provenance(), old.createdAt(), now, null, next.expiresAt(), old.id(), next.context());
      write(List.of(closed, fresh), List.of(series, series), List.of(closedVectors, freshVectors));
      return fresh;
    }
  }

  private Memory currentVersion(Owner owner, String id) throws IOException {
    return get(owner, id).filter(Memory::current).orElseThrow(() -> new IllegalArgumentException(
        "no current memory " + id));
  }

  @Override
  public DeletionReceipt forget(Owner owner, String id) throws IOException {
    List<String> ids;
    synchronized (writeLock) {
      String series = seriesOf(owner, id);
      if (series == null) {
        throw new IllegalArgumentException("no memory " + id);
      }
      BooleanQuery q = new BooleanQuery.Builder()
          .add(new TermQuery(new Term(MemoryDocuments.OWNER, owner.key())), BooleanClause.Occur.FILTER)
          .add(new TermQuery(new Term(MemoryDocuments.SERIES, series)), BooleanClause.Occur.FILTER).build();
      ids = delete(q);
    }
    return erase(ids);
  }

  @Override
  public DeletionReceipt forget(Owner owner, Filter filter) throws IOException {
    filter.validate();
    Filter withHistory = new Filter(filter.scopes(), filter.kinds(), filter.from(), filter.to(), filter.metadata(),
        filter.server(), true);
    List<String> ids;
    synchronized (writeLock) {
      ids = delete(scopeQuery(owner, withHistory));
    }
    return erase(ids);
  }

  @Override
  public int expire() throws IOException {
    List<String> ids;
    synchronized (writeLock) {
      ids = delete(LongPoint.newRangeQuery(MemoryDocuments.EXPIRES, Long.MIN_VALUE, clock.millis()));
    }
    return erase(ids).ids().size();
  }

  /**
   * The first half of a removal, under the write lock: the matching versions are deleted, durably (what the log held
   * is committed first, so a replay cannot bring them back) and from every search that starts after. Returns their
   * ids.
   */
  private List<String> delete(Query q) throws IOException {
    List<String> ids = new ArrayList<>();
    IndexSearcher searcher = fresh();
    try {
      for (ScoreDoc sd : searcher.search(q, Math.max(1, searcher.getIndexReader().maxDoc())).scoreDocs) {
        ids.add(searcher.storedFields().document(sd.doc).get(MemoryDocuments.ID));
      }
    } finally {
      searchers.release(searcher);
    }
    if (!ids.isEmpty()) {
      checkpoint();
      unerased.incrementAndGet();
      Files.write(erasePending, new byte[0], java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SYNC);
      writer.deleteDocuments(q);
      commit();
    }
    return ids;
  }

  /**
   * The second half, outside the write lock: every segment that still holds a deleted copy of the versions is
   * rewritten without it, so nothing of them is left in the index files. That rewrites whole segments (graphs
   * included) and takes up to seconds in a large store, which is why other users' writes must not wait for it.
   */
  private DeletionReceipt erase(List<String> ids) throws IOException {
    if (!ids.isEmpty()) {
      rewriteHolding(ids);
      synchronized (eraseLock) { // the word for the next start goes once no removal of this process is left undone
        if (unerased.decrementAndGet() == 0) {
          Files.deleteIfExists(erasePending);
        }
      }
    }
    List<String> places = embedder == null ? List.of("records", "text index", "caches")
        : List.of("records", "text index", "vectors", "caches");
    return new DeletionReceipt(ids, places, clock.instant());
  }

  /**
   * Rewrites the segments that hold a deleted copy of a version among {@code ids}, each alone, until none does. A
   * version's copies are every document with its id: the one a removal deleted, and older ones that an update (which
   * closes a version by writing it again under its id) or a replayed log entry left deleted in earlier segments. So a
   * forget's cost is that of the segments that held what it removes; other segments' deleted documents are earlier
   * copies of versions still kept in full (an update's closed version has its old text), which hold nothing that is
   * not readable anyway, and are left to Lucene's merges.
   */
  private void rewriteHolding(List<String> ids) throws IOException {
    synchronized (eraseLock) { // one rewrite at a time: the policy's targets are one removal's
      stopIfClosing();
      erasing.run();
      Set<String> before = Set.of();
      for (Set<String> holding; !(holding = segmentsHolding(ids)).isEmpty(); before = holding) {
        if (holding.equals(before)) {
          // Nothing rewritten last round: the segments are being merged with others, and that merge's result will
          // hold the deleted copies (Lucene carries deletions made during a merge into its result). Wait for it.
          stopIfClosing();
          sleep(50);
        }
        merges.target(holding);
        try {
          writer.forceMergeDeletes(true);
        } finally {
          merges.target(null);
        }
      }
      dropRewrittenFiles();
    }
  }

  /** A rewrite stops when the store closes (it would close the writer under it); the next start finishes it. */
  private void stopIfClosing() throws IOException {
    if (closing) {
      throw new IOException("the store is closing; its next start finishes the rewrite");
    }
  }

  /** Ends a rewrite: the files of the segments it replaced go. */
  private void dropRewrittenFiles() throws IOException {
    commit(); // reopens the searcher too: files an open reader still uses cannot be deleted
    writer.deleteUnusedFiles();
  }

  /** Names of the segments, as the writer has them now, that hold a deleted document whose id is among {@code ids}. */
  private Set<String> segmentsHolding(List<String> ids) throws IOException {
    searchers.maybeRefreshBlocking();
    IndexSearcher searcher = searchers.acquire();
    try {
      Set<String> holding = new HashSet<>();
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        Terms terms = leaf.reader().terms(MemoryDocuments.ID);
        if (live == null || terms == null) {
          continue; // no deleted document here
        }
        // Postings list deleted documents too, until a merge drops them: exactly what is looked for.
        TermsEnum it = terms.iterator();
        PostingsEnum docs = null;
        search:
        for (String id : ids) {
          if (it.seekExact(new BytesRef(id))) {
            docs = it.postings(docs, PostingsEnum.NONE);
            for (int d = docs.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.nextDoc()) {
              if (!live.get(d)) {
                holding.add(((SegmentReader) FilterLeafReader.unwrap(leaf.reader())).getSegmentName());
                break search;
              }
            }
          }
        }
      }
      return holding;
    } finally {
      searchers.release(searcher);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while rewriting a removal; the next start finishes it");
    }
  }

  /**
   * Rewrites every segment that holds a deleted document, until none does: after a crash, when what the unfinished
   * removals deleted is no longer known.
   */
  private void rewriteDeleted() throws IOException {
    synchronized (eraseLock) { // one rewrite at a time: a second would redo the first's work
      stopIfClosing();
      erasing.run();
      // A merge that was already running when the deletes came carries them into its result as deleted documents:
      // merge again until no segment holds one.
      for (int round = 0; round < 10 && writer.hasDeletions(); round++) {
        writer.forceMergeDeletes(true);
      }
      dropRewrittenFiles();
    }
  }

  @Override
  public List<Owner> owners() throws IOException {
    List<Owner> owners = new ArrayList<>();
    IndexSearcher searcher = fresh();
    try {
      org.apache.lucene.index.Terms terms = org.apache.lucene.index.MultiTerms.getTerms(searcher.getIndexReader(),
          MemoryDocuments.OWNER);
      if (terms != null) {
        org.apache.lucene.index.TermsEnum it = terms.iterator();
        for (org.apache.lucene.util.BytesRef t; (t = it.next()) != null; ) {
          owners.add(Owner.fromKey(t.utf8ToString()));
        }
      }
    } finally {
      searchers.release(searcher);
    }
    return owners;
  }

  @Override
  public void restore(Owner owner, List<Memory> versions) throws IOException {
    Map<String, String> seriesOf = MemorySeries.of(versions);
    synchronized (writeLock) {
      for (Memory m : versions) {
        if (get(owner, m.id()).isEmpty()) {
          writer.addDocument(MemoryDocuments.toDocument(restamp(owner, m), seriesOf.get(m.id()),
              MemoryDocuments.Vectors.of(embedder, m.text(), m.context())));
        }
      }
      commit();
    }
  }

  private static Memory restamp(Owner owner, Memory m) {
    return new Memory(m.id(), owner, m.scope(), m.kind(), m.text(), m.metadata(), m.provenance(), m.createdAt(),
        m.validFrom(), m.validTo(), m.expiresAt(), m.supersedes(), m.context());
  }

  @Override
  public void close() throws IOException {
    committer.shutdown(); // never interrupt a commit: Lucene's files would be closed under it
    try {
      committer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closing = true;
    synchronized (eraseLock) { // a rewrite in progress ends before the writer closes under it
      synchronized (writeLock) {
        checkpoint();
        wal.close();
      }
    }
    searchers.close();
    writer.close();
    directory.close();
  }

  // ---- queries ----

  /** The owner, current versions (unless history is asked), not expired, and the caller's filters: one query. */
  private Query scopeQuery(Owner owner, Filter f) {
    // The owner's and the caller's filters form one query that is the same from call to call, so Lucene's query
    // cache keeps its matches per large segment after a few uses (the vector search's pre-filter walked them all,
    // every recall); the expiry clause, which names the current instant, stays outside it.
    BooleanQuery.Builder b = new BooleanQuery.Builder()
        .add(new TermQuery(new Term(MemoryDocuments.OWNER, owner.key())), BooleanClause.Occur.FILTER);
    if (!f.includeHistory()) {
      b.add(new TermQuery(new Term(MemoryDocuments.CURRENT, "1")), BooleanClause.Occur.FILTER);
    }
    anyOf(b, MemoryDocuments.SCOPE, f.scopes());
    anyOf(b, MemoryDocuments.KIND, f.kinds());
    if (f.from() != null || f.to() != null) {
      b.add(LongPoint.newRangeQuery(MemoryDocuments.CREATED, f.from() == null ? Long.MIN_VALUE : f.from().toEpochMilli(),
          f.to() == null ? Long.MAX_VALUE : f.to().toEpochMilli() - 1), BooleanClause.Occur.FILTER);
    }
    f.metadata().forEach((field, value) -> b.add(new TermQuery(new Term(MemoryDocuments.META_PREFIX + field, value)),
        BooleanClause.Occur.FILTER));
    if (f.server() != null) {
      b.add(new TermQuery(new Term(MemoryDocuments.SERVER, f.server())), BooleanClause.Occur.FILTER);
    }
    // Not expired, said as "not expired by now": every version has an expiry point (the largest long when it has
    // none), so this range visits only the few expired ones, where "expires after now" visited nearly all of them.
    return new BooleanQuery.Builder().add(b.build(), BooleanClause.Occur.FILTER)
        .add(LongPoint.newRangeQuery(MemoryDocuments.EXPIRES, Long.MIN_VALUE, clock.millis()),
            BooleanClause.Occur.MUST_NOT)
        .build();
  }

  private static void anyOf(BooleanQuery.Builder b, String field, java.util.Set<String> values) {
    if (values.isEmpty()) {
      return;
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    values.forEach(v -> any.add(new TermQuery(new Term(field, v)), BooleanClause.Occur.SHOULD));
    b.add(any.build(), BooleanClause.Occur.FILTER);
  }

  /** BM25 over the analysed query terms, under {@code scope}; {@code null} when the query has no terms. */
  private Query lexicalQuery(String text, Query scope) throws IOException {
    BooleanQuery.Builder terms = new BooleanQuery.Builder();
    int count = 0;
    try (TokenStream ts = analyzer.tokenStream(MemoryDocuments.TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken() && count < 256) {
        terms.add(new TermQuery(new Term(MemoryDocuments.TEXT, term.toString())), BooleanClause.Occur.SHOULD);
        count++;
      }
      ts.end();
    }
    if (count == 0) {
      return null;
    }
    return new BooleanQuery.Builder().add(terms.build(), BooleanClause.Occur.MUST)
        .add(scope, BooleanClause.Occur.FILTER).build();
  }

  private Query idQuery(Owner owner, String id) {
    if (id == null || id.isBlank()) {
      return new MatchNoDocsQuery();
    }
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(MemoryDocuments.OWNER, owner.key())), BooleanClause.Occur.FILTER)
        .add(new TermQuery(new Term(MemoryDocuments.ID, id)), BooleanClause.Occur.FILTER).build();
  }

  private String seriesOf(Owner owner, String id) throws IOException {
    IndexSearcher searcher = fresh();
    try {
      TopDocs top = searcher.search(idQuery(owner, id), 1);
      return top.scoreDocs.length == 0 ? null
          : searcher.storedFields().document(top.scoreDocs[0].doc).get(MemoryDocuments.SERIES);
    } finally {
      searchers.release(searcher);
    }
  }

  /** Newest first. */
  private List<Memory> search(Query q, int limit) throws IOException {
    IndexSearcher searcher = fresh();
    try {
      int n = Math.max(1, Math.min(limit, searcher.getIndexReader().maxDoc()));
      TopDocs top = searcher.search(q, n, new Sort(new SortField(MemoryDocuments.CREATED, SortField.Type.LONG, true)));
      List<Memory> out = new ArrayList<>();
      for (ScoreDoc sd : top.scoreDocs) {
        out.add(load(searcher, sd.doc));
      }
      return out;
    } finally {
      searchers.release(searcher);
    }
  }

  private static Memory load(IndexSearcher searcher, int doc) {
    try {
      return MemoryDocuments.fromDocument(searcher.storedFields().document(doc));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Durable, then visible: a write is acknowledged only after its commit, and is searchable at once. */
  private void commit() throws IOException {
    writer.commit();
    searchers.maybeRefreshBlocking();
  }

  /**
   * For tests: whether the committed index or the write-ahead log holds any trace of a term. A term's document count
   * includes deleted documents until a merge drops them, so a deleted copy left in a segment counts.
   */
  boolean indexContainsTerm(String term) throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(directory)) {
      if (reader.docFreq(new Term(MemoryDocuments.TEXT, term)) > 0) {
        return true;
      }
    }
    return wal.entries().stream().anyMatch(e -> e.toString().contains(term));
  }
}
