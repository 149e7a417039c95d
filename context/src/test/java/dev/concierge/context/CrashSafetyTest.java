package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledged write survives {@code kill -9} of the process that made it, and the store reopens cleanly. */
class CrashSafetyTest {
  @Test
  void everyAcknowledgedMemorySurvivesKillDashNine(@TempDir Path dir) throws Exception {
    int acked = writeUntilKilled(dir, "plain");
    try (EmbeddedStore store = EmbeddedStore.open(dir, null)) {
      List<Memory> all = store.list(new Owner("acme", "crash"), Filter.NONE, 10_000);
      assertThat(all.size()).isGreaterThanOrEqualTo(acked + 1);
      for (int i = 0; i <= acked; i++) {
        String text = "acknowledged memory number " + i;
        assertThat(all).as("memory %d", i).anyMatch(m -> m.text().equals(text));
      }
    }
  }

  /**
   * The log replays a memory's context too: the child is killed soon after it starts, and the store's first index
   * commit comes a second after it opened, so the reopened store has the memories (usually all of them) from the log.
   */
  @Test
  void aMemorysContextIsReplayedFromTheLog(@TempDir Path dir) throws Exception {
    int acked = writeUntilKilled(dir, "context");
    try (EmbeddedStore store = EmbeddedStore.open(dir, null)) {
      Owner owner = new Owner("acme", "crash");
      for (int i = 0; i <= acked; i++) {
        List<Hit> hits = store.recall(owner, "zx" + i + "q", 1, Filter.NONE);
        assertThat(hits).as("memory %d, found by its context", i).hasSize(1);
        assertThat(hits.get(0).memory().text()).isEqualTo("acknowledged memory number " + i);
        assertThat(hits.get(0).memory().context()).isEqualTo("said around memory " + i + " in zx" + i + "q");
      }
    }
  }

  /** Runs {@link CrashWriter} until it acknowledged 15 memories, then kills it; returns the last acknowledged. */
  private static int writeUntilKilled(Path dir, String mode) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(), mode)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    int acked = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        acked = Integer.parseInt(line.substring(4));
        if (acked >= 15) {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-write
          break;
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(acked).isGreaterThanOrEqualTo(15);
    return acked;
  }
}
