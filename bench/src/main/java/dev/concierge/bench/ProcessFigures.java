package dev.concierge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory and machine load as Linux reports them; {@code -1} or "?" elsewhere. */
final class ProcessFigures {
  private ProcessFigures() {}

  /** Heap in use once garbage is collected: what stays reachable, not what the last calls left behind. */
  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * The process's resident memory: heap, the model's native runtime, and the pages of the memory-mapped index files
   * that were touched — the part of a store that the heap figure does not show.
   */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: reported as unknown
    }
    return -1;
  }

  /** The 1-, 5- and 15-minute load averages: how busy the shared machine was. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "?";
    }
  }
}
