package dev.concierge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Command-line options of {@link ClientBench}; every value is checked at once with a message naming it. */
final class Options {
  int calls = 2000;
  int concurrentCalls = -1;
  int threads = 8;
  int warmup = 3000;
  /** Each warm-up phase goes on, in batches of {@link #warmup} calls, until this much time has passed. */
  double warmupSeconds = 3;
  int rounds = 1;
  String only;
  /** Lower-case name fragments; a client runs when its name contains one. Empty: every client. */
  List<String> clients = List.of();
  Path repo;
  Path out;

  boolean wants(String client) {
    String name = client.toLowerCase(Locale.ROOT);
    return clients.isEmpty() || clients.stream().anyMatch(name::contains);
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("-h") || name.equals("--help")) {
        System.out.println("usage: ClientBench [--calls N] [--concurrent-calls M (default 2N)] [--threads T]"
            + " [--warmup W] [--warmup-seconds S] [--rounds R] [--only stdio|http] [--clients NAME,...] [--repo DIR] [--out FILE]");
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--calls" -> o.calls = positive(name, value);
        case "--concurrent-calls" -> o.concurrentCalls = positive(name, value);
        case "--threads" -> o.threads = positive(name, value);
        case "--warmup" -> o.warmup = positive(name, value);
        case "--warmup-seconds" -> {
          o.warmupSeconds = Double.parseDouble(value);
          if (!(o.warmupSeconds >= 0)) {
            throw new IllegalArgumentException("--warmup-seconds must be 0 or more, was '" + value + "'");
          }
        }
        case "--rounds" -> o.rounds = positive(name, value);
        case "--repo" -> o.repo = Path.of(value);
        case "--clients" -> o.clients = Arrays.stream(value.toLowerCase(Locale.ROOT).split(","))
            .map(String::trim).filter(c -> !c.isEmpty()).toList();
        case "--out" -> o.out = Path.of(value);
        case "--only" -> {
          if (!value.equals("stdio") && !value.equals("http")) {
            throw new IllegalArgumentException("--only must be stdio or http, was '" + value + "'");
          }
          o.only = value;
        }
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    if (o.concurrentCalls < 0) {
      o.concurrentCalls = 2 * o.calls;
    }
    if (o.repo == null) {
      o.repo = findRepo();
    }
    return o;
  }

  static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer, was '" + value + "'");
  }

  /** The repository root: {@code -Dconcierge.repo.dir}, or the nearest directory up from here with the npm peers. */
  private static Path findRepo() {
    String property = System.getProperty("concierge.repo.dir");
    if (property != null) {
      return Path.of(property);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("testing/node/force-loopback.cjs"))) {
        return dir;
      }
    }
    throw new IllegalArgumentException("run from the repository (or pass --repo DIR): testing/node was not found");
  }
}
