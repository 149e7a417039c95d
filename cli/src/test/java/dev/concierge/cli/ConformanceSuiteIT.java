package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.testing.NodePeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned in {@code testing/node}) run
 * against {@code bin/concierge conformance-client}, one requirement set per spec revision, each judged against its
 * expected-failures baseline in {@code testing/conformance} (only the OAuth scenarios, which Concierge does not
 * implement). An integration test: {@code bin/concierge} runs {@code cli/target/concierge.jar}, which exists only after
 * {@code package}.
 *
 * <p>The suite starts every scenario's client at once: 25 to 39 JVMs. To keep that quick on a small machine the JVMs
 * run niced, with C1 only, the serial collector and a class-data-sharing archive that a first, single-scenario run
 * (itself a smoke test) records. The suite's per-scenario timeout is generous because a starved JVM is slow, not
 * wrong. Reports (the suite's output, every client's logs) are under {@code cli/target/conformance}.
 */
class ConformanceSuiteIT {
  private static final String FAST_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData";
  private static final String SCENARIO_TIMEOUT_MS = "150000";
  private static final long RUN_LIMIT_MINUTES = 8;
  private static final List<Process> started = new ArrayList<>();

  private static Path repo;
  private static Path work;
  private static String javaOptions = FAST_JVM;

  /** Records the class-data-sharing archive while running one scenario; the suite runs fine without it. */
  @BeforeAll
  static void recordClassArchive() throws Exception {
    String configured = System.getProperty("concierge.repo.dir");
    repo = configured != null && !configured.isBlank() ? Path.of(configured).toAbsolutePath()
        : NodePeers.dir().getParent().getParent();
    assertThat(repo.resolve("cli/target/concierge.jar")).as("run 'mvn package' first").exists();
    work = Files.createDirectories(repo.resolve("cli/target/conformance"));
    Path archive = work.resolve("concierge.jsa");
    Files.deleteIfExists(archive);
    Suite smoke = suite(FAST_JVM + " -Xlog:cds=off,cds+dynamic=off -XX:ArchiveClassesAtExit=" + archive, "smoke",
        "--scenario", "elicitation-sep1034-client-defaults", "--spec-version", "2025-11-25",
        "-o", work.resolve("smoke/results").toString());
    assertThat(smoke.exit()).as("single scenario smoke run:\n%s", smoke.output()).isZero();
    if (Files.size(archive) > 0) {
      javaOptions = FAST_JVM + " -XX:SharedArchiveFile=" + archive;
    }
  }

  @AfterAll
  static void killLeftovers() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "requirements {0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void everyScenarioButOAuthPasses(String revision) throws Exception {
    Path baseline = repo.resolve("testing/conformance/baseline-" + revision + ".yml");
    Suite run = suite(javaOptions, revision, "--requirements", revision, "--expected-failures", baseline.toString(),
        "-o", work.resolve(revision + "/results").toString());
    System.out.println("=== conformance client --requirements " + revision + " (exit " + run.exit() + ")");
    System.out.println(run.summary());
    assertThat(run.exit()).as("conformance suite for %s; client logs in %s\n%s", revision,
        work.resolve(revision + "/results"), run.summary()).isZero();
    assertThat(run.summary()).contains("Baseline check passed");
  }

  /** The suite's stdout (summary and baseline verdict) and stderr (every check), and its exit code. */
  record Suite(int exit, String summary, String checks) {
    String output() {
      return summary + "\n" + checks;
    }
  }

  /** Runs {@code conformance client --command "bin/concierge conformance-client" ARGS} from the repository root. */
  private static Suite suite(String jvmOptions, String name, String... args) throws IOException, InterruptedException {
    Path dir = work.resolve(name);
    deleteRecursively(dir); // the suite adds a timestamped directory per scenario and run: keep only this run's
    Files.createDirectories(dir);
    Path stdout = dir.resolve("suite-stdout.txt");
    Path stderr = dir.resolve("suite-stderr.txt");
    List<String> command = new ArrayList<>(List.of(NodePeers.node().toString(),
        NodePeers.module("@modelcontextprotocol/conformance/dist/index.js").toString(), "client",
        // The suite splits this on spaces and appends the mock server's URL; relative to the working directory.
        // Niced so the suite's own Node process, which serves every mock, stays responsive among dozens of JVMs.
        "--command", "nice -n 10 bin/concierge conformance-client", "--timeout", SCENARIO_TIMEOUT_MS));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().put("CONCIERGE_JAVA_OPTS", jvmOptions);
    // bin/concierge runs `java` from the PATH: make it the JDK running this test (the one that wrote the archive).
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
        + builder.environment().getOrDefault("PATH", ""));
    Process process = builder.start();
    started.add(process);
    if (!process.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    int exit = process.isAlive() ? -1 : process.exitValue();
    return new Suite(exit, Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
