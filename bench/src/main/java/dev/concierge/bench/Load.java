package dev.concierge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives an {@link EchoClient}: warm-up, then a sequential batch, then a concurrent one. Every call's latency is kept
 * (a few thousand longs), so percentiles are exact rather than bucketed.
 */
final class Load {
  private final int calls;
  private final int concurrentCalls;
  private final int threads;
  private final int warmup;
  private final long warmupNanos;

  /**
   * Each warm-up phase (sequential, then concurrent) makes batches of {@code warmup} calls until
   * {@code warmupSeconds} have passed: a count alone left a fast client (stdio: tens of microseconds a call) warming
   * for a fraction of a second, its JIT still compiling what the measured calls then ran.
   */
  Load(int calls, int concurrentCalls, int threads, int warmup, double warmupSeconds) {
    this.calls = calls;
    this.concurrentCalls = concurrentCalls;
    this.threads = threads;
    this.warmup = warmup;
    this.warmupNanos = (long) (warmupSeconds * 1e9);
  }

  Result run(String transport, String name, EchoClient client) throws InterruptedException {
    // Warm both paths: the JIT compiles what the concurrent batch exercises (contention, pools) as well.
    warm(client, 1);
    warm(client, threads);
    Stats sequential = batch(client, calls, 1);
    Stats concurrent = batch(client, concurrentCalls, threads);
    return new Result(transport, name, sequential, concurrent, null);
  }

  private void warm(EchoClient client, int threadCount) throws InterruptedException {
    long end = System.nanoTime() + warmupNanos;
    do {
      batch(client, warmup, threadCount);
    } while (System.nanoTime() - end < 0);
  }

  /**
   * Makes {@code total} calls from {@code threads} threads. A failed call is counted, not retried, and the batch goes
   * on: some clients fail under concurrency, and how often is part of the result.
   */
  private static Stats batch(EchoClient client, int total, int threads) throws InterruptedException {
    long[] latencies = new long[total];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          try {
            client.echo("m" + i);
            latencies[i] = System.nanoTime() - t0;
          } catch (Exception e) {
            latencies[i] = -1;
            firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
          }
        }
      }, "bench-caller-" + t);
      workers.add(worker);
      worker.start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    return Stats.of(latencies, System.nanoTime() - t0, firstError.get());
  }
}
