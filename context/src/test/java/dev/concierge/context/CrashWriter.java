package dev.concierge.context;

import java.nio.file.Path;

/**
 * A child process for the crash test: remembers memories one by one, printing "ack N" after each returns; with a
 * second argument {@code context}, each with a context.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]), null);
    Owner owner = new Owner("acme", "crash");
    boolean context = args.length > 1 && args[1].equals("context");
    for (int i = 0; ; i++) {
      NewMemory memory = NewMemory.of("acknowledged memory number " + i);
      store.remember(owner, context ? memory.withContext("said around memory " + i + " in zx" + i + "q") : memory);
      System.out.println("ack " + i);
      System.out.flush();
    }
  }
}
