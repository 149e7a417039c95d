package dev.concierge.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Command-line options of {@link StoreBench}; every value is checked at once with a message naming it. */
final class StoreOptions {
  static final String USAGE = "usage: StoreBench [--sizes 10000,100000,1000000] [--queries 200] [--remembers 200]"
      + " [--warmup 500] [--remember-warmup 100] [--k 10] [--batch 1000] [--per-user 100] [--one-user-max 100000]"
      + " [--real-load-max 10000]"
      + " [--import 1000] [--forgets 8] [--dir /tmp/concierge-store-bench | --store jdbc:postgresql:...] [--keep] [--context]"
      + " [--embedding-model all-minilm-l6-v2|e5-small-v2]";

  /** Total memories of each store measured, in order. */
  List<Integer> sizes = List.of(10_000, 100_000, 1_000_000);
  int queries = 200;
  int remembers = 200;
  /**
   * Untimed calls before timed recalls (and before the model is timed alone). Recall keeps getting faster for a few
   * hundred calls — the JIT compiles Lucene's scoring and graph search while the model's runtime competes for the two
   * cores — so 100 was too few: at 10k memories p50 fell from 9.8 to 5.7 ms between the 100th and the 700th call.
   */
  int warmup = 500;
  /** Untimed remembers first; each is a durable write (10 to 50 ms here), so fewer. */
  int rememberWarmup = 100;
  int k = 10;
  /** Memories per {@code rememberAll} when loading one user's memories. */
  int batch = 1000;
  /** A store larger than {@link #oneUserMax} is spread over users holding this many memories each. */
  int perUser = 100;
  int oneUserMax = 100_000;
  /** Stores up to this size are loaded with the real sentence model; larger ones with {@link HashingEmbedder}. */
  int realLoadMax = 10_000;
  /** Lines of the timed {@code importJsonl}, embedded by the real model. */
  int importLines = 1000;
  /** The built-in embedding model loaded and timed ({@code OnnxEmbedder.named}). */
  String model = dev.concierge.context.OnnxEmbedder.MINI_LM;
  /** Timed forgets by id of random memories of random users (each rewrites the index files that held it); 0: none. */
  int forgets = 8;
  /** Parent of one fresh store directory per size. */
  Path dir = Path.of("/tmp/concierge-store-bench");
  /** A database location instead of directories; each size then writes under its own tenant. */
  String store;
  /** Leave the store directories in place. */
  boolean keep;
  /** Every memory written (loaded, remembered, imported) has a context: the texts of its two neighbours. */
  boolean context;

  static StoreOptions parse(String[] args) {
    StoreOptions o = new StoreOptions();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("-h") || name.equals("--help")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (name.equals("--keep")) {
        o.keep = true;
        continue;
      }
      if (name.equals("--context")) {
        o.context = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--sizes" -> o.sizes = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .map(s -> Options.positive(name, s)).toList();
        case "--queries" -> o.queries = Options.positive(name, value);
        case "--remembers" -> o.remembers = Options.positive(name, value);
        case "--warmup" -> o.warmup = Options.positive(name, value);
        case "--remember-warmup" -> o.rememberWarmup = Options.positive(name, value);
        case "--k" -> o.k = Options.positive(name, value);
        case "--batch" -> o.batch = Options.positive(name, value);
        case "--per-user" -> o.perUser = Options.positive(name, value);
        case "--one-user-max" -> o.oneUserMax = Options.positive(name, value);
        case "--real-load-max" -> o.realLoadMax = value.equals("0") ? 0 : Options.positive(name, value);
        case "--import" -> o.importLines = Options.positive(name, value);
        case "--forgets" -> o.forgets = value.equals("0") ? 0 : Options.positive(name, value);
        case "--dir" -> o.dir = Path.of(value);
        case "--embedding-model" -> o.model = value;
        case "--store" -> {
          if (!value.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--store takes a jdbc:postgresql: URL (use --dir for directories)");
          }
          o.store = value;
        }
        default -> throw new IllegalArgumentException("unknown option '" + name + "'\n" + USAGE);
      }
    }
    if (o.sizes.isEmpty()) {
      throw new IllegalArgumentException("--sizes needs at least one size");
    }
    return o;
  }

  /** How many users a store of {@code size} memories is spread over. */
  int usersFor(int size) {
    return size <= oneUserMax ? 1 : Math.max(1, size / perUser);
  }

  /** Where the store of {@code size} memories lives. */
  StoreLocation locationFor(int size) {
    return new StoreLocation(store != null ? store : dir.resolve("store-" + size).toString());
  }
}
