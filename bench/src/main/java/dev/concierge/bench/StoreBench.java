package dev.concierge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.Embedder;
import dev.concierge.context.Filter;
import dev.concierge.context.Hit;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.OnnxEmbedder;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Owner;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The context-store benchmark: synthetic memories ({@link SyntheticMemories}) loaded into a store at each size, then,
 * with the real sentence model (all-MiniLM-L6-v2), timed recall (k nearest, query embedding included), recall
 * without an embedder (lexical only), single remembers (embedding and durable write included), one JSON-lines
 * import, forgets by id, the store's size on disk and the heap in use.
 *
 * <pre>
 * java -cp bench/target/concierge-bench.jar dev.concierge.bench.StoreBench [--sizes 10000,100000,1000000]
 *     [--queries 200] [--remembers 200] [--warmup 500] [--remember-warmup 100] [--k 10] [--batch 1000] [--per-user 100]
 *     [--one-user-max 100000] [--real-load-max 10000] [--import 1000] [--context]
 *     [--dir /tmp/concierge-store-bench | --store jdbc:postgresql:...] [--keep]
 * </pre>
 *
 * <p>A store of up to {@code --one-user-max} memories belongs to one user; a larger one is spread over users of
 * {@code --per-user} memories each, and a user in the middle is the one timed. Stores up to {@code --real-load-max}
 * memories are loaded with the real model; larger ones with {@link HashingEmbedder}, because the real model would
 * take about an hour per million memories here. The timed calls always use the real model. Each size gets a fresh
 * directory under {@code --dir}, deleted afterwards unless {@code --keep}; with {@code --store} a database instead,
 * each size under its own tenant. With {@code --context} every memory written has a context (its neighbours' texts),
 * which costs a second embedding per remember. Prints Markdown on stdout, progress on stderr.
 */
public final class StoreBench {
  /** Seeds of the memories that are not bulk-loaded, apart from every user's (whose seed is the user's number). */
  private static final long REMEMBER_SEED = -1;
  private static final long IMPORT_SEED = -2;
  private static final long AFTER_REMEMBER_SEED = -3;
  private static final long QUERY_SEED = 7;
  private static final long FORGET_SEED = 11;

  private final StoreOptions options;
  private final Embedder model;
  private final Embedder standIn;
  /** Tenants are unique per run, so that runs against one database never read each other's memories. */
  private final String tenant = "bench-" + System.currentTimeMillis();

  private StoreBench(StoreOptions options, Embedder model) {
    this.options = options;
    this.model = model;
    this.standIn = new HashingEmbedder(model);
  }

  public static void main(String[] args) throws Exception {
    StoreOptions options = StoreOptions.parse(args);
    long started = System.nanoTime();
    Embedder model = OnnxEmbedder.named(options.model);
    model.embed("load the model and its native runtime before anything is measured");
    long baselineHeap = ProcessFigures.heapAfterGc();
    StoreBench bench = new StoreBench(options, model);
    List<StoreResult> results = new ArrayList<>();
    for (int size : options.sizes) {
      results.add(bench.measure(size));
    }
    StoreReport report = new StoreReport(results, baselineHeap, options.k, options.store != null,
        model.model());
    System.out.print(report.render(String.join(" ", args)));
    System.err.printf("store bench: done in %.1f min%n", (System.nanoTime() - started) / 60e9);
  }

  private StoreResult measure(int size) throws Exception {
    StoreLocation where = options.locationFor(size);
    where.delete();
    int users = options.usersFor(size);
    Embedder loader = size <= options.realLoadMax ? model : standIn;
    String loadedWith = loader == model ? model.model() : "stand-in (hashing)";
    System.err.printf("store bench: %,d memories over %,d users at %s, loading with %s%n", size, users,
        where.location(), loadedWith);
    try {
      return loadAndTime(size, where, users, loader, loadedWith);
    } finally {
      if (!options.keep) {
        where.delete(); // a store of a million memories is almost 2 GB: never left behind, not even by a failure
      }
    }
  }

  private StoreResult loadAndTime(int size, StoreLocation where, int users, Embedder loader, String loadedWith)
      throws Exception {
    double[] loadAndClose = bulkLoad(where, loader, size, users);

    int measuredUser = users / 2;
    Owner owner = owner(size, "user-" + measuredUser);
    AtomicInteger empty = new AtomicInteger();
    Latency recall;
    Latency embedAlone;
    Latency remember;
    Latency afterRemember;
    AtomicInteger missed = new AtomicInteger();
    double importPerSec;
    Latency forget = null;
    long heap;
    long resident;
    try (MemoryStore store = where.open(model)) {
      recall = Latency.measure(options.warmup, options.queries, i -> {
        if (store.recall(owner, SyntheticMemories.query(QUERY_SEED, i), options.k, Filter.NONE).isEmpty() && i >= 0) {
          empty.incrementAndGet();
        }
      });
      System.err.printf("  recall p50 %.2f ms, p95 %.2f ms%n", recall.p50Ms(), recall.p95Ms());
      // Before the remembers: their writes start background flushes and merges, which would slow the model down too.
      embedAlone = Latency.measure(options.warmup, options.remembers,
          i -> model.embed(SyntheticMemories.memory(REMEMBER_SEED, i).text()));
      // After recall, so that the timed user held exactly the loaded memories while recall was timed.
      remember = Latency.measure(options.rememberWarmup, options.remembers,
          i -> store.remember(owner, memory(REMEMBER_SEED, i)));
      System.err.printf("  remember p50 %.2f ms, p95 %.2f ms%n", remember.p50Ms(), remember.p95Ms());
      afterRemember = recallAfterRemember(store, owner, missed);
      System.err.printf("  recall right after a remember p50 %.2f ms, p95 %.2f ms%n", afterRemember.p50Ms(),
          afterRemember.p95Ms());
      importPerSec = timeImport(store, owner(size, "importer"));
      System.err.printf("  importJsonl %.0f memories/s%n", importPerSec);
      if (options.forgets > 0) {
        forget = timeForgets(store, size, users);
        System.err.printf("  forget by id p50 %.0f ms, max %.0f ms%n", forget.p50Ms(), forget.maxMs());
      }
      heap = ProcessFigures.heapAfterGc();
      resident = ProcessFigures.residentBytes();
    }
    Latency lexical;
    try (MemoryStore store = where.open(null)) {
      lexical = Latency.measure(options.warmup, options.queries,
          i -> store.recall(owner, SyntheticMemories.query(QUERY_SEED, i), options.k, Filter.NONE));
    }
    System.err.printf("  lexical recall p50 %.2f ms, p95 %.2f ms%n", lexical.p50Ms(), lexical.p95Ms());
    long bytes = where.bytesOnDisk();
    return new StoreResult(size, users, memoriesOf(measuredUser, size, users), loadedWith, loadAndClose[0],
        loadAndClose[1], importPerSec, recall, lexical, remember, afterRemember, missed.get(), embedAlone, forget, empty.get(),
        bytes, heap, resident,
        ProcessFigures.loadAverage());
  }

  /**
   * A recall made the moment a remember returned, asking for what was just remembered: what reading one's own write
   * costs (the embedded store makes a write searchable in the background and a read that comes first waits for it).
   * Counts the recalls whose top k missed that memory in {@code missed} (should be 0).
   */
  private Latency recallAfterRemember(MemoryStore store, Owner owner, AtomicInteger missed) throws Exception {
    long[] nanos = new long[options.remembers];
    for (int i = -options.rememberWarmup; i < options.remembers; i++) {
      NewMemory memory = memory(AFTER_REMEMBER_SEED, i);
      String id = store.remember(owner, memory).id();
      long t0 = System.nanoTime();
      List<Hit> hits = store.recall(owner, memory.text(), options.k, Filter.NONE);
      long took = System.nanoTime() - t0;
      if (i >= 0) {
        nanos[i] = took;
        // (a synthetic text can repeat: k hits of the very same text are not a miss)
        boolean duplicates = hits.size() == options.k
            && hits.stream().allMatch(h -> h.memory().text().equals(memory.text()));
        if (!duplicates && hits.stream().noneMatch(h -> h.memory().id().equals(id))) {
          missed.incrementAndGet();
        }
      }
    }
    return Latency.of(nanos);
  }

  /**
   * Loads the store and closes it; returns the seconds spent in {@code rememberAll} calls and the seconds the close
   * took — for the embedded store, waiting for the segment merges the load started.
   */
  private double[] bulkLoad(StoreLocation where, Embedder loader, int size, int users) throws IOException {
    long t0 = System.nanoTime();
    long t1;
    try (MemoryStore store = where.open(loader)) {
      rememberSynthetic(store, size, users);
      t1 = System.nanoTime();
    }
    double loadSeconds = (t1 - t0) / 1e9;
    double closeSeconds = (System.nanoTime() - t1) / 1e9;
    System.err.printf("  loaded in %.1f s (%.0f memories/s), closed in %.1f s%n", loadSeconds, size / loadSeconds,
        closeSeconds);
    return new double[] {loadSeconds, closeSeconds};
  }

  /** Each user's memories in {@code rememberAll} batches of at most {@code --batch}; progress every 10 seconds. */
  private void rememberSynthetic(MemoryStore store, int size, int users) throws IOException {
    long start = System.nanoTime();
    long lastReport = start;
    int loaded = 0;
    for (int u = 0; u < users; u++) {
      Owner owner = owner(size, "user-" + u);
      int count = memoriesOf(u, size, users);
      for (int from = 0; from < count; from += options.batch) {
        List<NewMemory> batch = new ArrayList<>();
        for (int n = from; n < Math.min(count, from + options.batch); n++) {
          batch.add(memory(u, n));
        }
        store.rememberAll(owner, batch);
        loaded += batch.size();
        long now = System.nanoTime();
        if (now - lastReport > 10e9) {
          System.err.printf("  %,d of %,d (%.0f/s)%n", loaded, size, loaded / ((now - start) / 1e9));
          lastReport = now;
        }
      }
    }
  }

  /**
   * Forgets {@code --forgets} memories by id, one at a time, each of a user picked at random (seeded) and picked at
   * random among that user's newest {@code memoriesOf} memories — nearly all bulk-loaded ones. The time is what the
   * forgetting caller waits for, the rewrite of the index files that held the memory included.
   */
  private Latency timeForgets(MemoryStore store, int size, int users) throws IOException {
    java.util.Random random = new java.util.Random(FORGET_SEED);
    long[] nanos = new long[options.forgets];
    for (int i = 0; i < nanos.length; i++) {
      int user = random.nextInt(users);
      Owner owner = owner(size, "user-" + user);
      List<dev.concierge.context.Memory> theirs = store.list(owner, Filter.NONE, memoriesOf(user, size, users));
      String id = theirs.get(random.nextInt(theirs.size())).id();
      long t0 = System.nanoTime();
      store.forget(owner, id);
      nanos[i] = System.nanoTime() - t0;
      System.err.printf("  forget %d: %.0f ms%n", i + 1, nanos[i] / 1e6);
    }
    return Latency.of(nanos);
  }

  /** Memories per second of one {@code importJsonl} of {@code --import} lines into an empty user. */
  private double timeImport(MemoryStore store, Owner owner) throws IOException {
    StringBuilder jsonl = new StringBuilder();
    for (int n = 0; n < options.importLines; n++) {
      jsonl.append(Json.write(jsonLine(memory(IMPORT_SEED, n)))).append('\n');
    }
    long t0 = System.nanoTime();
    int imported = store.importJsonl(owner, new StringReader(jsonl.toString()));
    return imported / ((System.nanoTime() - t0) / 1e9);
  }

  /** The line format {@code importJsonl} reads (and {@code exportJsonl} writes). */
  private static ObjectNode jsonLine(NewMemory m) {
    ObjectNode line = Json.object().put("text", m.text()).put("scope", m.scope()).put("kind", m.kind())
        .put("created_at", m.createdAt().toString());
    line.set("metadata", m.metadata());
    if (m.context() != null) {
      line.put("context", m.context());
    }
    ObjectNode provenance = line.putObject("provenance");
    provenance.put("server", m.provenance().server()).put("tool", m.provenance().tool())
        .put("session", m.provenance().session()).put("client", m.provenance().client());
    return line;
  }

  /**
   * The {@code n}th synthetic memory of a seed; with {@code --context}, with the memories before and after it as its
   * context, as a conversation's turns around a remembered one (about twice its length).
   */
  private NewMemory memory(long seed, long n) {
    NewMemory m = SyntheticMemories.memory(seed, n);
    return !options.context ? m : m.withContext(SyntheticMemories.memory(seed, n - 1).text() + "\n"
        + SyntheticMemories.memory(seed, n + 1).text());
  }

  /** Spreads {@code size} memories over {@code users} as evenly as whole numbers allow. */
  private static int memoriesOf(int user, int size, int users) {
    return size / users + (user < size % users ? 1 : 0);
  }

  private Owner owner(int size, String user) {
    return new Owner(tenant + "-" + size, user);
  }
}
