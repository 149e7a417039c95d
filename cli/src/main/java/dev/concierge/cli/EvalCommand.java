package dev.concierge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.context.Embedder;
import dev.concierge.context.Filter;
import dev.concierge.context.Hit;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.MemoryStores;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Owner;
import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code concierge eval locomo --data FILE}: turn-level retrieval recall on LoCoMo. Each conversation's dialog turns
 * become one user's memories ({@code dia_id} in metadata, the session's date as {@code created_at}); every QA
 * question is recalled against that user, and recall@k is the fraction of the question's evidence turns found in the
 * top k, averaged per category (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial) and overall.
 * No LLM is involved.
 */
@Command(name = "eval", description = "Retrieval evaluations of the context store.",
    subcommands = {EvalCommand.Locomo.class})
final class EvalCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "locomo", description = "Turn-level recall@k on LoCoMo conversations.")
  static final class Locomo implements Callable<Integer> {
    private static final DateTimeFormatter SESSION_DATE = DateTimeFormatter.ofPattern("h:mm a 'on' d MMMM, yyyy",
        Locale.ENGLISH);
    private static final Map<Integer, String> CATEGORIES = Map.of(1, "multi-hop", 2, "temporal", 3, "open-domain",
        4, "single-hop", 5, "adversarial");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "LoCoMo JSON (a list of samples).")
    Path data;

    @Option(names = "--k", defaultValue = "1,5,10,25,50", split = ",", description = "Cut-offs (default: "
        + "${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--store", paramLabel = "DIR|JDBC-URL", description = "Where to build the store: a directory or a "
        + "jdbc:postgresql: URL, whose LoCoMo users are replaced (default: a temporary directory, deleted afterwards).")
    String store;

    @Option(names = "--lexical", description = "BM25 only, no embedding model.")
    boolean lexical;

    @picocli.CommandLine.Mixin
    EmbeddingModelOption model;

    @Option(names = "--window", defaultValue = "2", description = "Earlier turns of the session stored with each turn "
        + "as its context (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--lexical-weight", paramLabel = "W", description = "Weight of the lexical ranking against the "
        + "semantic ones in the fusion (default: the model's own: 3 for all-minilm-l6-v2, 1 for e5-small-v2).")
    Double lexicalWeight;

    @Option(names = "--after", defaultValue = "1", description = "Later turns stored with each turn as its context "
        + "(default: ${DEFAULT-VALUE}).")
    int after;

    // fallbackValue: without it picocli sets a negatable option that is true by default to the opposite of its
    // default when it is given, so that --dated turned dating off.
    @Option(names = "--dated", defaultValue = "true", fallbackValue = "true", negatable = true, description = "Prefix "
        + "each turn with its session's date; --no-dated: don't (default: ${DEFAULT-VALUE}).")
    boolean dated;

    @Option(names = "--context-in-text", description = "Store the turns around each turn as part of its text (the "
        + "layout before memories had a context of their own; default: they are the memory's context).")
    boolean contextInText;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode samples = Json.parse(Files.readString(data));
      int maxK = ks.stream().mapToInt(Integer::intValue).max().orElse(10);
      Path temporary = store == null ? Files.createTempDirectory("concierge-locomo") : null;
      Map<String, double[]> sums = new TreeMap<>();
      Map<String, Integer> counts = new TreeMap<>();
      long started = System.nanoTime();
      int turns = 0;
      String location = store != null ? store : temporary.toString();
      Embedder embedder = model.embedder(lexical, location);
      try (MemoryStore memories = MemoryStores.open(location, embedder, lexicalWeight)) {
        for (JsonNode sample : samples) {
          Owner owner = new Owner("locomo", sample.path("sample_id").asText());
          List<NewMemory> dialog = turns(sample.path("conversation"), window, after, dated, contextInText);
          turns += dialog.size();
          memories.forget(owner, Filter.NONE); // a rerun on the same store starts from the same state
          memories.rememberAll(owner, dialog);
          for (JsonNode qa : sample.path("qa")) {
            Set<String> evidence = new HashSet<>();
            qa.path("evidence").forEach(e -> evidence.add(e.asText()));
            if (evidence.isEmpty()) {
              continue;
            }
            List<String> ranked = new ArrayList<>();
            for (Hit h : memories.recall(owner, qa.path("question").asText(), maxK, Filter.NONE)) {
              ranked.add(h.memory().metadata().path("dia_id").asText());
            }
            String category = CATEGORIES.getOrDefault(qa.path("category").asInt(), "other");
            for (String bucket : List.of(category, "overall")) {
              double[] s = sums.computeIfAbsent(bucket, b -> new double[ks.size()]);
              for (int i = 0; i < ks.size(); i++) {
                List<String> top = ranked.subList(0, Math.min(ks.get(i), ranked.size()));
                s[i] += top.stream().filter(evidence::contains).distinct().count() / (double) evidence.size();
              }
              counts.merge(bucket, 1, Integer::sum);
            }
          }
        }
      } finally {
        if (temporary != null) {
          deleteRecursively(temporary);
        }
      }
      out.printf(Locale.ROOT, "LoCoMo turn-level recall (%s%s; %d conversations, %d turns, %.0f s)%n%n",
          embedder == null ? "BM25 only" : "BM25 + " + embedder.model() + ", weighted reciprocal rank fusion",
          contextInText ? "; context in the text" : "", samples.size(), turns,
          (System.nanoTime() - started) / 1e9);
      StringBuilder header = new StringBuilder("| category | questions |");
      StringBuilder rule = new StringBuilder("|---|---:|");
      for (int k : ks) {
        header.append(" R@").append(k).append(" |");
        rule.append("---:|");
      }
      out.println(header);
      out.println(rule);
      List<String> order = new ArrayList<>(List.of("multi-hop", "temporal", "open-domain", "single-hop",
          "adversarial", "other", "overall"));
      order.retainAll(counts.keySet());
      for (String bucket : order) {
        StringBuilder row = new StringBuilder("| " + bucket + " | " + counts.get(bucket) + " |");
        for (int i = 0; i < ks.size(); i++) {
          row.append(String.format(Locale.ROOT, " %.1f |", 100 * sums.get(bucket)[i] / counts.get(bucket)));
        }
        out.println(row);
      }
      return 0;
    }

    /** Every dialog turn of a conversation, dated by its session, with the turns around it. */
    static List<NewMemory> turns(JsonNode conversation, int window, int after, boolean dated,
        boolean contextInText) {
      List<NewMemory> out = new ArrayList<>();
      java.util.ArrayDeque<String> previous = new java.util.ArrayDeque<>();
      DateTimeFormatter day = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
      for (int session = 1; conversation.has("session_" + session + "_date_time"); session++) {
        JsonNode dialog = conversation.get("session_" + session);
        if (dialog == null || !dialog.isArray()) {
          continue;
        }
        java.time.Instant date = LocalDateTime.parse(conversation.get("session_" + session + "_date_time").asText()
            .replace("am", "AM").replace("pm", "PM"), SESSION_DATE).toInstant(ZoneOffset.UTC);
        previous.clear(); // a session starts a new exchange
        List<String> lines = new ArrayList<>();
        for (JsonNode turn : dialog) {
          String line = turn.path("speaker").asText() + ": " + turn.path("text").asText();
          if (turn.hasNonNull("blip_caption")) {
            line += " [shares " + turn.get("blip_caption").asText() + "]";
          }
          lines.add(line);
        }
        String prefix = dated ? "(" + day.format(date.atZone(ZoneOffset.UTC)) + ") " : "";
        int index = 0;
        for (JsonNode turn : dialog) {
          String line = lines.get(index++);
          // up to `window` turns of the session before it and `after` turns after it
          List<String> before = List.copyOf(previous);
          List<String> later = lines.subList(index, Math.min(lines.size(), index + after));
          previous.addLast(line);
          while (previous.size() > window) {
            previous.removeFirst();
          }
          // The turn (dated) is the memory and the turns around it its context, or all of them are its text.
          List<String> around = new ArrayList<>(before);
          around.addAll(later);
          NewMemory memory = NewMemory.of(prefix + line).withContext(String.join("\n", around));
          if (contextInText) {
            List<String> all = new ArrayList<>(before);
            all.add(line);
            all.addAll(later);
            memory = NewMemory.of(prefix + String.join("\n", all));
          }
          out.add(memory.withKind("episode").withCreatedAt(date)
              .withMetadata(Json.object().put("dia_id", turn.path("dia_id").asText()).put("session", session)));
        }
      }
      return out;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
