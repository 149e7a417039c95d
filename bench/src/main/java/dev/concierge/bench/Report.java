package dev.concierge.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders results as Markdown: absolute figures, Concierge-to-peer ratios, and the targets with verdicts. */
final class Report {
  static final String OURS = "Concierge";
  static final String JAVA_SDK_PREFIX = "Java SDK";
  static final String TS_PREFIX = "TS SDK";
  static final String BARE = "bare HttpClient";
  static final String BARE_STDIO = "bare stdio pipes";

  private final List<Result> results;
  private final String way;

  Report(List<Result> results, int threads) {
    this.results = results;
    this.way = threads + "-way";
  }

  String tables(String transport, String title) {
    List<Result> rows = results.stream().filter(r -> r.transport().equals(transport)).toList();
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("### " + title + "\n\n");
    md.append("| client | seq calls/s | seq p50 ms | seq p99 ms | " + way + " calls/s | " + way + " p50 ms | " + way
        + " p99 ms |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : rows) {
      String name = r.client().equals(OURS) ? "**" + OURS + "**" : r.client();
      if (!r.ok()) {
        md.append("| ").append(name).append(" | failed: ").append(r.failure().replace('|', '/'))
            .append(" | | | | | |\n");
        continue;
      }
      md.append("| ").append(name).append(" | ").append(abs(r.sequential())).append(" | ").append(abs(r.concurrent()))
          .append(" |\n");
    }
    for (Result r : rows) {
      if (r.ok()) {
        failures(md, r.client() + ", sequential", r.sequential());
        failures(md, r.client() + ", " + way, r.concurrent());
      }
    }
    Optional<Result> ours = find(transport, OURS);
    if (ours.isPresent()) {
      md.append("\nConcierge / peer (calls/s: above 1 is better; latency: below 1 is better)\n\n");
      md.append("| peer | seq calls/s | seq p50 | seq p99 | " + way + " calls/s | " + way + " p50 | " + way + " p99 |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Result peer : rows) {
        if (peer.client().equals(OURS) || !peer.ok()) {
          continue;
        }
        md.append("| ").append(peer.client()).append(" | ")
            .append(ratio(ours.get().sequential(), peer.sequential())).append(" | ")
            .append(ratio(ours.get().concurrent(), peer.concurrent())).append(" |\n");
      }
    }
    return md.append('\n').toString();
  }

  /** The targets of the performance issue, each checked on sequential and concurrent throughput. */
  String targets() {
    StringBuilder md = new StringBuilder("| target | sequential | " + way + " | verdict |\n|---|---:|---:|---|\n");
    target(md, "stdio: ≥ 2× the official Java SDK client", "stdio", JAVA_SDK_PREFIX, 2.0);
    target(md, "stdio: ≥ 1.0× the TypeScript SDK client", "stdio", TS_PREFIX, 1.0);
    target(md, "HTTP: ≥ 1.0× a bare HttpClient loop", "http", BARE, 1.0);
    ceiling(md);
    return md.toString();
  }

  /**
   * How far the server lets any client get past the Java SDK: the bare stdio loop's ratio to it, the most a client
   * can reach against this server, beside which the 2x target is read.
   */
  private void ceiling(StringBuilder md) {
    Optional<Result> bare = measured("stdio", BARE_STDIO);
    Optional<Result> sdk = measured("stdio", JAVA_SDK_PREFIX);
    if (bare.isPresent() && sdk.isPresent()) {
      md.append("\nThe most any client got from this server over stdio, the ").append(BARE_STDIO)
          .append(" floor client, was ")
          .append(times(bare.get().sequential().callsPerSec() / sdk.get().sequential().callsPerSec()))
          .append(" the Java SDK sequentially and ")
          .append(times(bare.get().concurrent().callsPerSec() / sdk.get().concurrent().callsPerSec()))
          .append(' ').append(way).append(".\n");
    }
  }

  private void target(StringBuilder md, String label, String transport, String peerPrefix, double goal) {
    Optional<Result> ours = find(transport, OURS);
    Optional<Result> peer = measured(transport, peerPrefix);
    if (ours.isEmpty() || !ours.get().ok() || peer.isEmpty()) {
      md.append("| ").append(label).append(" | – | – | not measured |\n");
      return;
    }
    double seq = ours.get().sequential().callsPerSec() / peer.get().sequential().callsPerSec();
    double conc = ours.get().concurrent().callsPerSec() / peer.get().concurrent().callsPerSec();
    String verdict = seq >= goal && conc >= goal ? "met" : seq < goal && conc < goal ? "**missed**"
        : "**missed** (" + (seq < goal ? "sequential" : way) + ")";
    md.append("| ").append(label).append(" | ").append(times(seq)).append(" | ").append(times(conc))
        .append(" | ").append(verdict).append(" |\n");
  }

  /** The result of the client whose name starts with {@code prefix}, if it measured without failing outright. */
  private Optional<Result> measured(String transport, String prefix) {
    return results.stream()
        .filter(r -> r.transport().equals(transport) && r.client().startsWith(prefix) && r.ok()).findFirst();
  }

  private Optional<Result> find(String transport, String client) {
    return results.stream().filter(r -> r.transport().equals(transport) && r.client().equals(client)).findFirst();
  }

  private static String abs(Stats s) {
    return String.format(Locale.ROOT, "%.0f%s | %.3f | %.3f", s.callsPerSec(),
        s.failed() == 0 ? "" : " (" + s.failed() + " of " + (s.calls() + s.failed()) + " failed)", s.p50Ms(), s.p99Ms());
  }

  /** Failed calls are left out of the figures; say so, with the first error, under the table. */
  static void failures(StringBuilder md, String what, Stats s) {
    if (s.failed() > 0) {
      md.append("\n").append(what).append(": ").append(s.failed()).append(" calls failed, first with `")
          .append(String.valueOf(s.firstError()).replace('`', '\'')).append("`; figures count successful calls only.\n");
    }
  }

  private static String ratio(Stats ours, Stats peer) {
    return times(ours.callsPerSec() / peer.callsPerSec()) + " | " + times(ours.p50Ms() / peer.p50Ms()) + " | "
        + times(ours.p99Ms() / peer.p99Ms());
  }

  private static String times(double value) {
    return String.format(Locale.ROOT, "%.2f×", value);
  }
}
