package dev.concierge.cli;

import dev.concierge.context.StateStore;
import dev.concierge.gateway.auth.FileKeyStore;
import dev.concierge.gateway.auth.KeyStore;
import dev.concierge.gateway.auth.SharedKeyStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code concierge users add|list|revoke}: the API keys of {@code serve --auth keys}. */
@Command(name = "users", description = "Manage the API keys of a gateway running with --auth keys.",
    subcommands = {UsersCommand.Add.class, UsersCommand.ListKeys.class, UsersCommand.Revoke.class})
final class UsersCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every users subcommand shares. */
  static class StoreOption {
    @Option(names = "--store", paramLabel = "DIR|JDBC-URL", description = "Data directory (default: ~/.concierge), "
        + "or the jdbc:postgresql: URL the gateway nodes share.")
    String store;

    /** What a subcommand does with the keys. */
    interface KeysWork<T> {
      T apply(KeyStore keys) throws Exception;
    }

    /** Runs {@code work} on the gateway's keys: the directory's key file, or the database every node reads. */
    <T> T withKeys(KeysWork<T> work) throws Exception {
      if (!StoreDir.isDatabase(store)) {
        return work.apply(new FileKeyStore(StoreDir.resolve(store)));
      }
      try (StateStore state = StoreDir.state(store); SharedKeyStore keys = new SharedKeyStore(state)) {
        return work.apply(keys);
      }
    }
  }

  @Command(name = "add", description = "Issue a key for a user; it is shown once.")
  static final class Add extends StoreOption implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "USER", description = "The user the key acts for.")
    String user;

    @Option(names = "--tenant", defaultValue = "default", description = "Tenant (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--group", paramLabel = "G", description = "A group for tool views (repeatable).")
    List<String> groups = List.of();

    @Option(names = "--label", description = "What the key is for (shown by list).")
    String label;

    @Override
    public Integer call() throws Exception {
      KeyStore.Issued issued = withKeys(keys -> keys.add(tenant, user, Set.copyOf(groups), label));
      PrintWriter out = spec.commandLine().getOut();
      out.println("key " + issued.info().id() + " for " + tenant + "/" + user + " (shown once, store it now):");
      out.println(issued.key());
      return 0;
    }
  }

  @Command(name = "list", description = "List the keys (never the keys themselves).")
  static final class ListKeys extends StoreOption implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Table table = new Table("ID", "TENANT", "USER", "GROUPS", "LABEL", "CREATED");
      for (KeyStore.KeyInfo k : withKeys(KeyStore::list)) {
        table.row(k.id(), k.tenant(), k.user(), String.join(",", new java.util.TreeSet<>(k.groups())),
            k.label() == null ? "" : k.label(), k.created().toString());
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a key by id (or a unique start of it); a running gateway stops "
      + "accepting it within a second, gateway nodes on a database at once.")
  static final class Revoke extends StoreOption implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      if (!withKeys(keys -> keys.revoke(id))) {
        spec.commandLine().getErr().println("error: no key with id " + id);
        return Main.FAILED;
      }
      spec.commandLine().getOut().println("revoked " + id);
      return 0;
    }
  }
}
