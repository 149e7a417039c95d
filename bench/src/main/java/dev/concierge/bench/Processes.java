package dev.concierge.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Kills the processes the benchmark started, children first, so no node process outlives a run. */
final class Processes {
  private Processes() {}

  static void kill(ProcessHandle root) {
    List<ProcessHandle> tree = root.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    root.destroy();
    try {
      root.onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      root.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Kills whatever child processes this JVM still has (clients that leaked their server on close). */
  static void killChildren() {
    ProcessHandle.current().children().forEach(Processes::kill);
  }
}
