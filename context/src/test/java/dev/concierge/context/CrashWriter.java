package dev.concierge.context;

import java.nio.file.Path;

/** A child process for the crash test: remembers memories one by one, printing "ack N" after each returns. */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]), null);
    Owner owner = new Owner("acme", "crash");
    for (int i = 0; ; i++) {
      store.remember(owner, NewMemory.of("acknowledged memory number " + i));
      System.out.println("ack " + i);
      System.out.flush();
    }
  }
}
