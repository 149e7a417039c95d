package dev.concierge.client.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stops a child process and everything it started. Launchers such as {@code npx} or {@code uvx} run the real server
 * as their own child; killing only the launcher would leave that server running, re-parented and unreachable.
 */
final class ProcessTree {
  private static final long POLL_MILLIS = 20;

  private ProcessTree() {}

  /** The live descendants now: once the process exits they are re-parented and can no longer be found through it. */
  static List<ProcessHandle> descendants(Process process) {
    try {
      return process.descendants().toList();
    } catch (UnsupportedOperationException | SecurityException e) {
      return List.of();
    }
  }

  /**
   * Waits up to {@code grace} for the process and {@code known} descendants to end by themselves, then sends every
   * survivor SIGTERM ({@link ProcessHandle#destroy}), waits up to {@code grace} again, then SIGKILL. Returns within
   * about three times {@code grace}; an interrupt skips straight to SIGKILL.
   */
  static void stop(Process process, List<ProcessHandle> known, Duration grace) {
    Set<ProcessHandle> descendants = new LinkedHashSet<>(known);
    try {
      if (awaitExit(process, descendants, grace)) {
        return;
      }
      descendants.addAll(descendants(process));
      // Handles, not Process.destroy(): that also closes the pipes, and the reader should see the output to its end.
      survivors(process, descendants).forEach(ProcessHandle::destroy);
      if (awaitExit(process, descendants, grace)) {
        return;
      }
      survivors(process, descendants).forEach(ProcessHandle::destroyForcibly);
      awaitExit(process, descendants, grace);
    } catch (InterruptedException e) {
      survivors(process, descendants).forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }

  private static List<ProcessHandle> survivors(Process process, Set<ProcessHandle> descendants) {
    List<ProcessHandle> alive = new ArrayList<>();
    if (process.isAlive()) { // true until this JVM has reaped it, so the exit code is known once this turns false
      alive.add(process.toHandle());
    }
    for (ProcessHandle handle : descendants) {
      if (isRunning(handle)) {
        alive.add(handle);
      }
    }
    return alive;
  }

  /**
   * Polls rather than using {@link ProcessHandle#onExit()}, which for a process that is not our child polls too and
   * never completes for a zombie.
   */
  private static boolean awaitExit(Process process, Set<ProcessHandle> descendants, Duration grace)
      throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!survivors(process, descendants).isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
    }
    return true;
  }

  /**
   * Whether the process still runs. A killed grandchild is re-parented to PID 1, and where PID 1 does not reap (a
   * container started without an init) it stays a zombie that {@link ProcessHandle#isAlive()} reports as alive.
   */
  static boolean isRunning(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      int afterName = stat.lastIndexOf(')');
      return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return handle.isAlive(); // no procfs (macOS, Windows) or the process just vanished
    }
  }
}
