package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code concierge memory} in-process (lexical recall, so no model is loaded): what a user types and sees. */
class MemoryCommandTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aStoreMadeWithAModelIsUsedWithItWithoutSayingSoAndRefusesAnother(@TempDir Path dir) throws Exception {
    String store = dir.toString();
    assertThat(run("memory", "remember", "Alice prefers a window seat on long flights", "--store", store, "--user",
        "alice", "--embedding-model", "e5-small-v2").exit()).isZero();
    Run recall = run("memory", "recall", "where does she like to sit on a plane?", "--store", store, "--user", "alice");
    assertThat(recall.exit()).isZero();
    assertThat(Json.parse(recall.out()).get(0).path("text").asText()).contains("window seat");
    Run other = run("memory", "recall", "seat", "--store", store, "--user", "alice", "--embedding-model",
        "all-minilm-l6-v2");
    assertThat(other.exit()).isNotZero();
    assertThat(other.err()).contains("e5-small-v2").contains("store migrate").doesNotContain("\tat ");
    Run unknown = run("memory", "recall", "seat", "--store", store, "--user", "alice", "--embedding-model", "gpt");
    assertThat(unknown.exit()).isNotZero();
    assertThat(unknown.err()).contains("unknown embedding model 'gpt'");
  }

  @Test
  void rememberRecallExportImportForget(@TempDir Path dir) throws Exception {
    String store = dir.toString();
    Run remembered = run("memory", "remember", "Alice takes her coffee black", "--store", store, "--user", "alice",
        "--kind", "preference", "--meta", "source=chat", "--context", "Bob: how does she order at Blue Bottle?",
        "--lexical");
    assertThat(remembered.exit()).isZero();
    String id = remembered.out().strip();
    Run recall = run("memory", "recall", "coffee", "--store", store, "--user", "alice", "--lexical");
    assertThat(Json.parse(recall.out()).get(0).path("id").asText()).isEqualTo(id);
    assertThat(Json.parse(recall.out()).get(0).at("/metadata/source").asText()).isEqualTo("chat");
    Run byContext = run("memory", "recall", "Blue Bottle", "--store", store, "--user", "alice", "--lexical");
    assertThat(Json.parse(byContext.out()).get(0).path("text").asText()).isEqualTo("Alice takes her coffee black");
    assertThat(Json.parse(byContext.out()).get(0).path("context").asText()).contains("Blue Bottle");
    assertThat(Json.parse(run("memory", "recall", "coffee", "--store", store, "--user", "bob", "--lexical").out()))
        .isEmpty();

    run("memory", "remember", "Alice is allergic to peanuts", "--store", store, "--user", "alice", "--lexical");
    Run context = run("memory", "context", "coffee order", "--store", store, "--user", "alice", "--lexical",
        "--tokens", "100");
    assertThat(context.out()).contains("What is known about the user:").contains("Alice takes her coffee black");

    Path queries = dir.resolve("q.jsonl");
    Files.writeString(queries, "{\"query\":\"coffee\",\"k\":1}\n{\"query\":\"tea\"}\n");
    String[] lines = run("memory", "recall", "--queries", queries.toString(), "--store", store, "--user", "alice",
        "--lexical").out().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(Json.parse(lines[1])).isEmpty();

    Path exported = dir.resolve("alice.jsonl");
    Files.writeString(exported, run("memory", "export", "--store", store, "--user", "alice", "--lexical").out());
    assertThat(run("memory", "import", exported.toString(), "--store", store, "--user", "carol", "--lexical").out())
        .contains("imported 2");

    Run forgot = run("memory", "forget", id, "--store", store, "--user", "alice", "--lexical");
    assertThat(Json.parse(forgot.out()).path("ids").get(0).asText()).isEqualTo(id);
    assertThat(Json.parse(run("memory", "recall", "coffee", "--store", store, "--user", "alice", "--lexical").out()))
        .isEmpty();

    Run bad = run("memory", "remember", " ", "--store", store, "--user", "alice", "--lexical");
    assertThat(bad.exit()).isEqualTo(Main.USAGE);
    assertThat(bad.err()).contains("a memory needs text");
  }

  @Test
  void aDirectoryMovesToPostgresqlAndIsRecalledThere(@TempDir Path dir) throws Exception {
    String store = dir.resolve("store").toString();
    String database = dev.concierge.context.TestPostgres.freshDatabase();
    run("memory", "remember", "Alice takes her coffee black", "--store", store, "--user", "alice", "--lexical");
    run("memory", "remember", "Bob prefers tea", "--store", store, "--user", "bob", "--lexical");
    String key = run("users", "add", "alice", "--store", store).out().lines().toList().get(1).strip();
    Run moved = run("store", "migrate", "--from", store, "--to", database, "--lexical");
    assertThat(moved.exit()).as(moved.err()).isZero();
    assertThat(moved.out()).contains("2 users, 2 memory versions; 2 verified in the target")
        .contains("1 API keys copied (0 already there)");
    assertThat(run("store", "migrate", "--from", store, "--to", database, "--lexical").out())
        .contains("0 API keys copied (1 already there)");
    try (dev.concierge.context.StateStore state = dev.concierge.context.PostgresStateStore.open(database)) {
      assertThat(new dev.concierge.gateway.auth.SharedKeyStore(state).verify(key)).as("the key works there")
          .hasValueSatisfying(p -> assertThat(p.user()).isEqualTo("alice"));
    }
    Run recall = run("memory", "recall", "coffee", "--store", database, "--user", "alice", "--lexical");
    assertThat(recall.out()).contains("Alice takes her coffee black").doesNotContain("tea");
    assertThat(run("store", "compact", "--store", database).exit()).isZero();
    assertThat(run("store", "compact", "--store", store).exit()).isEqualTo(Main.USAGE);
  }
}
