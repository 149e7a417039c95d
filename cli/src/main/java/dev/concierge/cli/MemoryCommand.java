package dev.concierge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.DeletionReceipt;
import dev.concierge.context.Filter;
import dev.concierge.context.Hit;
import dev.concierge.context.Memory;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.MemoryStores;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Owner;
import dev.concierge.context.Provenance;
import dev.concierge.protocol.Json;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code concierge memory ...}: a user's memories in the store, without the gateway. */
@Command(name = "memory", description = "Remember, recall, list, forget, export and import a user's memories.",
    subcommands = {MemoryCommand.Remember.class, MemoryCommand.Recall.class, MemoryCommand.ListMemories.class,
        MemoryCommand.Forget.class, MemoryCommand.Export.class, MemoryCommand.Import.class,
        MemoryCommand.Context.class})
final class MemoryCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every memory subcommand needs: the store and the user. */
  static class StoreOptions {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", paramLabel = "DIR|JDBC-URL", description = "Data directory, or a jdbc:postgresql: URL "
        + "(default: ~/.concierge).")
    String store;

    @Option(names = "--user", required = true, paramLabel = "U", description = "Whose memories.")
    String user;

    @Option(names = "--tenant", defaultValue = "local", description = "The user's tenant (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--lexical", description = "Recall by words only (no embedding model).")
    boolean lexical;

    @Mixin
    EmbeddingModelOption model;

    MemoryStore open() throws Exception {
      String location = StoreDir.isDatabase(store) ? store : StoreDir.resolve(store).toString();
      return MemoryStores.open(location, model.embedder(lexical, location), null);
    }

    Owner owner() {
      return new Owner(tenant, user);
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "remember", description = "Remember a text.")
  static final class Remember extends StoreOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TEXT")
    String text;

    @Option(names = "--kind", description = "fact (default), preference, episode or note.")
    String kind;

    @Option(names = "--scope", description = "user (default), agent:<id> or session:<id>.")
    String scope;

    @Option(names = "--meta", paramLabel = "K=V", description = "Metadata field (repeatable).")
    Map<String, String> meta = Map.of();

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "Forget it after this long.")
    Long ttl;

    @Option(names = "--context", paramLabel = "TEXT", description = "What surrounded it (say, the conversation "
        + "around it): helps recall find it, but is not part of what is remembered.")
    String context;

    @Override
    public Integer call() throws Exception {
      ObjectNode metadata = Json.object();
      meta.forEach(metadata::put);
      try (MemoryStore store = open()) {
        Memory m = store.remember(owner(), new NewMemory(text, scope, kind, metadata,
            new Provenance(null, null, null, "concierge-cli"), null, ttl == null ? null
            : Instant.now().plusSeconds(ttl), context));
        out().println(m.id());
      }
      return 0;
    }
  }

  @Command(name = "recall", description = "The memories that best match a query (one JSON line per query).")
  static final class Recall extends StoreOptions implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY")
    String query;

    @Option(names = "--queries", paramLabel = "FILE", description = "JSON lines {\"query\":..,\"k\":..}; one "
        + "result line each.")
    Path queries;

    @Option(names = "--k", defaultValue = "5", description = "How many (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--kind", description = "Only this kind (repeatable).")
    Set<String> kinds = Set.of();

    @Override
    public Integer call() throws Exception {
      if ((query == null) == (queries == null)) {
        throw new IllegalArgumentException("give a QUERY or --queries FILE");
      }
      Filter filter = new Filter(null, kinds, null, null, null, null, false);
      try (MemoryStore store = open()) {
        if (query != null) {
          out().println(Json.write(hits(store.recall(owner(), query, k, filter))));
          return 0;
        }
        try (BufferedReader in = Files.newBufferedReader(queries, StandardCharsets.UTF_8)) {
          int number = 0;
          for (String line; (line = in.readLine()) != null; ) {
            number++;
            if (line.isBlank()) {
              continue;
            }
            JsonNode q = Json.parse(line);
            if (Json.text(q, "query") == null) {
              throw new IllegalArgumentException(queries + " line " + number + ": needs \"query\"");
            }
            out().println(Json.write(hits(store.recall(owner(), q.get("query").asText(), q.path("k").asInt(k),
                filter))));
          }
        }
      }
      return 0;
    }

    private static ArrayNode hits(List<Hit> hits) {
      ArrayNode array = Json.array();
      for (Hit h : hits) {
        ObjectNode o = array.addObject().put("id", h.memory().id()).put("text", h.memory().text())
            .put("score", h.score());
        if (h.memory().context() != null) {
          o.put("context", h.memory().context());
        }
        o.set("metadata", h.memory().metadata());
      }
      return array;
    }
  }

  @Command(name = "list", description = "Current memories, newest first.")
  static final class ListMemories extends StoreOptions implements Callable<Integer> {
    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() throws Exception {
      try (MemoryStore store = open()) {
        Table table = new Table("ID", "KIND", "SCOPE", "CREATED", "TEXT");
        for (Memory m : store.list(owner(), Filter.NONE, limit)) {
          String text = m.text().length() > 80 ? m.text().substring(0, 77) + "..." : m.text();
          table.row(m.id(), m.kind(), m.scope(), m.createdAt().toString(), text.replace('\n', ' '));
        }
        table.print(out());
      }
      return 0;
    }
  }

  @Command(name = "forget", description = "Forget one memory (every version), or --all of the user's.")
  static final class Forget extends StoreOptions implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
    String id;

    @Option(names = "--all", description = "Everything of this user.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      if ((id == null) == !all) {
        throw new IllegalArgumentException("give an ID or --all");
      }
      try (MemoryStore store = open()) {
        DeletionReceipt receipt = all ? store.forget(owner(), Filter.NONE) : store.forget(owner(), id);
        out().println(Json.write(receipt.toJson()));
      }
      return 0;
    }
  }

  @Command(name = "context", description = "A prompt-ready block: the user's profile, and memories relevant to a "
      + "query, within a token budget.")
  static final class Context extends StoreOptions implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY")
    String query;

    @Option(names = "--tokens", defaultValue = "400", description = "Budget (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--json", description = "The block as JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (MemoryStore store = open()) {
        ObjectNode block = dev.concierge.context.ContextBlock.build(store, owner(), query, tokens);
        out().print(json ? Json.write(block) + "\n" : dev.concierge.context.ContextBlock.render(block));
        out().flush();
      }
      return 0;
    }
  }

  @Command(name = "export", description = "The user's current memories as JSON lines on stdout.")
  static final class Export extends StoreOptions implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      try (MemoryStore store = open()) {
        store.exportJsonl(owner(), out());
      }
      return 0;
    }
  }

  @Command(name = "import", description = "Remember JSON lines {\"text\":..,\"metadata\":{..},\"created_at\":..}.")
  static final class Import extends StoreOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      try (MemoryStore store = open();
          BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        out().println("imported " + store.importJsonl(owner(), in));
      }
      return 0;
    }
  }
}
