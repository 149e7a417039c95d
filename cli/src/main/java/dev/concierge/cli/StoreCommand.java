package dev.concierge.cli;

import dev.concierge.context.MemoryMigration;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.MemoryStores;
import dev.concierge.context.PostgresStore;
import dev.concierge.context.StateStore;
import dev.concierge.gateway.auth.FileKeyStore;
import dev.concierge.gateway.auth.SharedKeyStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code concierge store ...}: moving and maintaining a store. */
@Command(name = "store", description = "Move or maintain a store.",
    subcommands = {StoreCommand.Migrate.class, StoreCommand.Compact.class})
final class StoreCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "migrate", description = "Copy every user's memories, with their history, from one store to "
      + "another (e.g. a directory to PostgreSQL), then verify the target holds every version; from a directory to "
      + "PostgreSQL, its API keys too. Safe to rerun.")
  static final class Migrate implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR|JDBC-URL", description = "The store to copy.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "DIR|JDBC-URL", description = "The store to copy into.")
    String to;

    @Option(names = "--lexical", description = "Do not embed the text (a target that recalls by words only).")
    boolean lexical;

    @picocli.CommandLine.Mixin
    EmbeddingModelOption model;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (MemoryStore source = MemoryStores.open(from, null, null);
          MemoryStore target = MemoryStores.open(to, model.embedder(lexical, to), null)) {
        MemoryMigration.Report report = MemoryMigration.run(source, target, line -> {
          out.println(line);
          out.flush();
        });
        out.printf("%d users, %d memory versions; %d verified in the target%n", report.owners(),
            report.sourceVersions(), report.verifiedVersions());
        if (!report.complete()) {
          spec.commandLine().getErr().println("error: the target is missing "
              + (report.sourceVersions() - report.verifiedVersions()) + " versions; run the command again");
          return Main.FAILED;
        }
      }
      if (!MemoryStores.isDatabase(from) && MemoryStores.isDatabase(to)) {
        copyKeys(out);
      }
      return 0;
    }

    /** The directory's API keys (--auth keys) go to the database too, digests unchanged: issued keys keep working. */
    private void copyKeys(PrintWriter out) throws Exception {
      FileKeyStore keys = new FileKeyStore(java.nio.file.Path.of(from));
      int held = keys.list().size();
      if (held == 0) {
        return;
      }
      try (StateStore state = StoreDir.state(to); SharedKeyStore shared = new SharedKeyStore(state)) {
        int copied = shared.copyFrom(keys);
        out.printf("%d API keys copied (%d already there)%n", copied, held - copied);
      }
    }
  }

  @Command(name = "compact", description = "PostgreSQL: rewrite the memories table into new files (VACUUM FULL), so "
      + "no byte of a forgotten memory is left in its free space. Locks the table while it runs: schedule it.")
  static final class Compact implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "JDBC-URL", description = "The PostgreSQL store.")
    String store;

    @Override
    public Integer call() throws Exception {
      if (!MemoryStores.isDatabase(store)) {
        throw new IllegalArgumentException("compact is for a PostgreSQL store (the embedded one rewrites its files "
            + "at every forget)");
      }
      try (PostgresStore target = PostgresStore.open(store, null)) {
        target.compact();
      }
      spec.commandLine().getOut().println("compacted");
      return 0;
    }
  }
}
