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
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString())
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
    try (EmbeddedStore store = EmbeddedStore.open(dir, null)) {
      List<Memory> all = store.list(new Owner("acme", "crash"), Filter.NONE, 10_000);
      assertThat(all.size()).isGreaterThanOrEqualTo(acked + 1);
      for (int i = 0; i <= acked; i++) {
        String text = "acknowledged memory number " + i;
        assertThat(all).as("memory %d", i).anyMatch(m -> m.text().equals(text));
      }
    }
  }
}
