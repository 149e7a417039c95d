package dev.concierge.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Command-line options of {@link ClusterBench}; every value is checked at once with a message naming it. */
final class ClusterOptions {
  static final String MODERN = "2026-07-28";
  static final String LEGACY = GatewayBench.LEGACY;
  static final String USAGE = "usage: ClusterBench --store jdbc:postgresql://HOST:PORT/DB?user=U [--nodes 3]"
      + " [--threads 8] [--calls 500] [--concurrent-calls 2000] [--warmup 500] [--node-warmup 10] [--rounds 2]"
      + " [--eras " + MODERN + "," + LEGACY + "] [--before 5] [--after 8] [--bucket-ms 250] [--call-timeout 5]"
      + " [--jar cli/target/concierge.jar] [--node-java-opts '-XX:+UseSerialGC'] [--no-failover] [--keep]";

  /** The shared database; each run makes its own schema in it. */
  String store;
  int nodes = 3;
  int threads = 8;
  int calls = 500;
  int concurrentCalls = 2000;
  int warmup = 500;
  /** Seconds of untimed calls through every node before the first row, split over the eras. */
  int nodeWarmupSeconds = 10;
  /** Each row runs this many times, 1 node and N nodes interleaved; each batch's best round counts. */
  int rounds = 2;
  /** Downstream protocols the clients pin: the stateless era, and the legacy one whose sessions live in the store. */
  List<String> eras = List.of(MODERN, LEGACY);
  /** Seconds of steady load measured before the kill (after as long again of untimed warm-up). */
  int beforeSeconds = 5;
  /** Seconds of load measured after the kill, before the killed node is restarted. */
  int afterSeconds = 8;
  int bucketMs = 250;
  /** Every failover call's deadline, per attempt: a call that would hang fails instead, and is counted. */
  int callTimeoutSeconds = 5;
  Path jar = Path.of("cli/target/concierge.jar");
  /**
   * The nodes' JVM options. Serial GC: on two cores a parallel collector's threads in each of three JVMs would only
   * compete with the callers; everything else as {@code java -jar} in docs/DEPLOYMENT.md.
   */
  List<String> nodeJavaOptions = List.of("-XX:+UseSerialGC");
  boolean failover = true;
  /** Leave the run's schema and the nodes' logs in place. */
  boolean keep;

  static ClusterOptions parse(String[] args) {
    ClusterOptions o = new ClusterOptions();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      switch (name) {
        case "-h", "--help" -> {
          System.out.println(USAGE);
          System.exit(0);
        }
        case "--keep" -> o.keep = true;
        case "--no-failover" -> o.failover = false;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
          }
          o.set(name, args[++i]);
        }
      }
    }
    if (o.store == null) {
      throw new IllegalArgumentException("--store jdbc:postgresql://... is required: the nodes share a database\n"
          + USAGE);
    }
    if (o.nodes < 2) {
      throw new IllegalArgumentException("--nodes must be at least 2: one is compared with several, one is killed");
    }
    return o;
  }

  private void set(String name, String value) {
    switch (name) {
      case "--store" -> {
        if (!value.startsWith("jdbc:postgresql:")) {
          throw new IllegalArgumentException("--store takes a jdbc:postgresql: URL");
        }
        if (value.contains("currentSchema=")) {
          throw new IllegalArgumentException("--store: leave currentSchema out; each run makes a fresh schema");
        }
        store = value;
      }
      case "--nodes" -> nodes = Options.positive(name, value);
      case "--threads" -> threads = Options.positive(name, value);
      case "--calls" -> calls = Options.positive(name, value);
      case "--concurrent-calls" -> concurrentCalls = Options.positive(name, value);
      case "--warmup" -> warmup = Options.positive(name, value);
      case "--node-warmup" -> nodeWarmupSeconds = Options.positive(name, value);
      case "--rounds" -> rounds = Options.positive(name, value);
      case "--eras" -> {
        eras = Arrays.stream(value.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList();
        if (eras.isEmpty() || !List.of(MODERN, LEGACY).containsAll(eras)) {
          throw new IllegalArgumentException("--eras takes " + MODERN + " and/or " + LEGACY + ", was '" + value + "'");
        }
      }
      case "--before" -> beforeSeconds = Options.positive(name, value);
      case "--after" -> afterSeconds = Options.positive(name, value);
      case "--bucket-ms" -> bucketMs = Options.positive(name, value);
      case "--call-timeout" -> callTimeoutSeconds = Options.positive(name, value);
      case "--jar" -> jar = Path.of(value);
      case "--node-java-opts" -> nodeJavaOptions = Arrays.stream(value.trim().split("\\s+"))
          .filter(s -> !s.isEmpty()).toList();
      default -> throw new IllegalArgumentException("unknown option '" + name + "'\n" + USAGE);
    }
  }
}
