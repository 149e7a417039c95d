package dev.concierge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TypeScript SDK 1.x client, measured by {@code bench/node/echo-bench.mjs} in its own Node process (the same
 * warm-up and batch sizes) and reported back as one JSON line.
 */
final class TsSdkBench {
  private final Everything everything;
  private final Path script;

  TsSdkBench(Everything everything, Path repo) {
    this.everything = everything;
    this.script = repo.resolve("bench/node/echo-bench.mjs").toAbsolutePath().normalize();
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("missing " + script);
    }
  }

  /** Runs the script against {@code target}: {@code ["stdio", cmd, args...]} or {@code ["http", url]}. */
  Result run(String transport, String name, int calls, int concurrentCalls, int threads, int warmup,
      double warmupSeconds, List<String> target) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(everything.node().toString(), script.toString(),
        "--sdk", everything.tsSdk().toString(), "--calls", String.valueOf(calls),
        "--concurrentCalls", String.valueOf(concurrentCalls), "--concurrency", String.valueOf(threads),
        "--warmup", String.valueOf(warmup), "--warmupSeconds", String.valueOf(warmupSeconds)));
    command.addAll(target);
    // stderr goes to a file: the SDK's HTTP transport floods it with MaxListenersExceededWarning (one abort
    // listener per request), which only matters when the script fails.
    Path stderr = Files.createTempFile("echo-bench", ".log");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || out.isEmpty()) {
        List<String> log = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        throw new IOException("echo-bench.mjs failed (exit " + (process.isAlive() ? "none" : process.exitValue())
            + "): " + out + " " + String.join("\n", log.subList(Math.max(0, log.size() - 10), log.size())));
      }
      JsonNode json = Json.parse(out.substring(out.lastIndexOf('\n') + 1));
      return new Result(transport, name, stats(json.get("sequential")), stats(json.get("concurrent")), null);
    } finally {
      Processes.kill(process.toHandle());
      Files.deleteIfExists(stderr);
    }
  }

  private static Stats stats(JsonNode node) {
    return new Stats(node.get("calls").asInt(), node.path("failed").asInt(), node.get("callsPerSec").asDouble(),
        node.get("p50Ms").asDouble(), node.get("p99Ms").asDouble(), node.path("firstError").textValue());
  }
}
