package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.protocol.Json;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract every backend passes: every operation, filters, versions, TTL, deletion receipts that leave no
 * trace, isolation between users and tenants, concurrent writers, bad input. A backend's test extends this.
 */
abstract class MemoryStoreContract {
  static Embedder embedder;
  static final Owner ALICE = new Owner("acme", "alice");
  static final Owner BOB = new Owner("acme", "bob");
  static final Owner OTHER_TENANT_ALICE = new Owner("globex", "alice");

  MutableClock clock;
  MemoryStore store;

  /** Opens the backend's store on the same data each time it is called within one test. */
  abstract MemoryStore open(Clock clock, Embedder embedder) throws Exception;

  /** Whether any file of the backend still holds {@code term} of a memory's text, live or deleted. */
  abstract boolean holdsTrace(String term) throws Exception;

  @BeforeAll
  static void model() {
    embedder = OnnxEmbedder.miniLm();
  }

  @BeforeEach
  void start() throws Exception {
    clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    store = open(clock, embedder);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
  }

  @Test
  void aStoreKeepsToTheModelThatMadeItsVectors() throws Exception {
    Memory seat = store.remember(ALICE, NewMemory.of("Alice prefers a window seat on long flights"));
    store.close();
    Embedder other = new Embedder() { // the same vectors under another name: what counts is the name recorded
      @Override
      public int dimensions() {
        return embedder.dimensions();
      }

      @Override
      public float[] embed(String text) {
        return embedder.embed(text);
      }

      @Override
      public String model() {
        return "another-model";
      }
    };
    assertThatThrownBy(() -> open(clock, other).close()).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("embedding model " + OnnxEmbedder.MINI_LM).hasMessageContaining("another-model")
        .hasMessageContaining("store migrate --embedding-model another-model");
    try (MemoryStore lexical = open(clock, null)) { // words only: no vectors read or written
      assertThat(lexical.recall(ALICE, "window seat", 1, Filter.NONE)).extracting(h -> h.memory().id())
          .containsExactly(seat.id());
    }
    store = open(clock, embedder);
    assertThat(store.recall(ALICE, "where does she like to sit on an airplane?", 1, Filter.NONE))
        .extracting(h -> h.memory().id()).containsExactly(seat.id());
  }

  @Test
  void aMemoryIsRecallableAsSoonAsRememberReturnsLexicallyAndSemantically() throws Exception {
    Memory seat = store.remember(ALICE, NewMemory.of("Alice prefers a window seat on long flights")
        .withKind("preference").withProvenance(new Provenance("travel", "book_flight", "s1", "claude")));
    store.remember(ALICE, NewMemory.of("The quarterly report is due on Friday"));
    store.remember(ALICE, NewMemory.of("Her cat is called Miso"));
    assertThat(store.recall(ALICE, "window seat", 1, Filter.NONE)).extracting(h -> h.memory().id())
        .containsExactly(seat.id());
    assertThat(store.recall(ALICE, "where does she like to sit on an airplane?", 1, Filter.NONE))
        .extracting(h -> h.memory().id()).containsExactly(seat.id());
    Memory got = store.get(ALICE, seat.id()).orElseThrow();
    assertThat(got.provenance()).isEqualTo(new Provenance("travel", "book_flight", "s1", "claude"));
    assertThat(got.kind()).isEqualTo("preference");
    assertThat(got.createdAt()).isEqualTo(clock.instant());
  }

  @Test
  void filtersApplyInsideTheQuery() throws Exception {
    store.remember(ALICE, NewMemory.of("coffee with oat milk").withKind("preference")
        .withMetadata(Json.object().put("topic", "food")));
    store.remember(ALICE, NewMemory.of("coffee meeting with Bob on Monday").withKind("episode")
        .withScope("session:42").withProvenance(new Provenance("calendar", null, null, null)));
    clock.advance(3600);
    store.remember(ALICE, NewMemory.of("coffee beans from Ethiopia").withKind("fact"));
    assertThat(texts(store.recall(ALICE, "coffee", 10, new Filter(null, Set.of("preference"), null, null, null,
        null, false)))).containsExactly("coffee with oat milk");
    assertThat(texts(store.recall(ALICE, "coffee", 10, new Filter(Set.of("session:42"), null, null, null, null,
        null, false)))).containsExactly("coffee meeting with Bob on Monday");
    assertThat(texts(store.recall(ALICE, "coffee", 10, new Filter(null, null, null, null, Map.of("topic", "food"),
        null, false)))).containsExactly("coffee with oat milk");
    assertThat(texts(store.recall(ALICE, "coffee", 10, new Filter(null, null, null, null, null, "calendar",
        false)))).containsExactly("coffee meeting with Bob on Monday");
    assertThat(texts(store.recall(ALICE, "coffee", 10, new Filter(null, null, clock.instant(), null, null, null,
        false)))).containsExactly("coffee beans from Ethiopia");
  }

  @Test
  void noOwnerEverSeesAnothersMemories() throws Exception {
    Random random = new Random(7);
    List<Owner> owners = List.of(ALICE, BOB, OTHER_TENANT_ALICE, new Owner("acme", "alice/x"),
        new Owner("acme/alice", "x"));
    for (int i = 0; i < 60; i++) {
      Owner o = owners.get(random.nextInt(owners.size()));
      store.remember(o, NewMemory.of("secret number " + i + " of " + o.key() + " about apples"));
    }
    for (Owner o : owners) {
      for (Hit h : store.recall(o, "secret apples", 100, Filter.NONE)) {
        assertThat(h.memory().owner()).isEqualTo(o);
      }
      for (Memory m : store.list(o, Filter.NONE, 1000)) {
        assertThat(m.owner()).isEqualTo(o);
        for (Owner other : owners) {
          if (!other.equals(o)) {
            assertThat(store.get(other, m.id())).isEmpty();
            assertThatThrownBy(() -> store.forget(other, m.id())).isInstanceOf(IllegalArgumentException.class);
          }
        }
      }
    }
  }

  @Test
  void anUpdateIsANewVersionAndTheOldOneStaysInHistory() throws Exception {
    Memory first = store.remember(ALICE, NewMemory.of("Alice lives in Berlin"));
    clock.advance(60);
    Memory second = store.update(ALICE, first.id(), "Alice lives in Lisbon", null);
    assertThat(second.supersedes()).isEqualTo(first.id());
    assertThat(second.createdAt()).isEqualTo(first.createdAt());
    assertThat(texts(store.recall(ALICE, "where does Alice live", 5, Filter.NONE))).containsExactly(
        "Alice lives in Lisbon");
    Memory old = store.get(ALICE, first.id()).orElseThrow();
    assertThat(old.validTo()).isEqualTo(clock.instant());
    assertThat(store.list(ALICE, new Filter(null, null, null, null, null, null, true), 10)).hasSize(2);
    assertThatThrownBy(() -> store.update(ALICE, first.id(), "again", null)).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void forgettingLeavesNoTraceAndSaysWhereItWasRemovedFrom() throws Exception {
    Memory m = store.remember(ALICE, NewMemory.of("my passport number is zq81734"));
    store.update(ALICE, m.id(), "my passport number is zq99999", null);
    store.remember(ALICE, NewMemory.of("unrelated note about gardening"));
    DeletionReceipt receipt = store.forget(ALICE, m.id());
    assertThat(receipt.ids()).hasSize(2);
    assertThat(receipt.places()).containsExactly("records", "text index", "vectors", "caches");
    assertThat(store.recall(ALICE, "passport number", 10, new Filter(null, null, null, null, null, null, true)))
        .allSatisfy(h -> assertThat(h.memory().text()).doesNotContain("passport"));
    assertThat(holdsTrace("zq81734")).isFalse();
    assertThat(holdsTrace("zq99999")).isFalse();

    DeletionReceipt everything = store.forget(ALICE, Filter.NONE);
    assertThat(everything.ids()).hasSize(1);
    assertThat(store.list(ALICE, Filter.NONE, 10)).isEmpty();
  }

  @Test
  void aMemoryForgottenAmongManyLeavesNoTrace() throws Exception {
    List<NewMemory> many = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(NewMemory.of("routine note number " + i + " about the weekly groceries"));
    }
    many.add(NewMemory.of("my locker combination is qv5512"));
    List<Memory> written = store.rememberAll(ALICE, many); // one write: the same segment, page or batch
    store.remember(ALICE, NewMemory.of("a later note about the garden"));
    store.forget(ALICE, written.get(written.size() - 1).id());
    assertThat(holdsTrace("qv5512")).isFalse();
    assertThat(store.list(ALICE, Filter.NONE, 500)).hasSize(201);
  }

  @Test
  void expiredMemoriesVanishFromRecallAndAreRemovedByExpire() throws Exception {
    store.remember(ALICE, NewMemory.of("temporary door code 4411").withExpiresAt(clock.instant().plusSeconds(60)));
    store.remember(ALICE, NewMemory.of("permanent door code 1234"));
    assertThat(store.recall(ALICE, "door code", 5, Filter.NONE)).hasSize(2);
    clock.advance(61);
    assertThat(texts(store.recall(ALICE, "door code", 5, Filter.NONE))).containsExactly("permanent door code 1234");
    assertThat(store.expire()).isEqualTo(1);
    assertThat(holdsTrace("4411")).isFalse();
  }

  @Test
  void badInputIsRefusedAndNothingIsWritten() throws Exception {
    assertThatThrownBy(() -> store.remember(ALICE, NewMemory.of("  "))).hasMessageContaining("needs text");
    assertThatThrownBy(() -> store.remember(ALICE, NewMemory.of("x".repeat(NewMemory.MAX_TEXT + 1))))
        .hasMessageContaining("limited");
    assertThatThrownBy(() -> store.remember(ALICE, NewMemory.of("x")
        .withContext("y".repeat(NewMemory.MAX_CONTEXT + 1)))).hasMessageContaining("context is limited");
    assertThatThrownBy(() -> store.importJsonl(ALICE, new StringReader("{\"text\":\"ok\",\"context\":\""
        + "y".repeat(NewMemory.MAX_CONTEXT + 1) + "\"}\n"))).hasMessageContaining("line 1");
    assertThatThrownBy(() -> store.importJsonl(ALICE, new StringReader("{\"text\":\"ok\",\"context\":7}\n")))
        .hasMessageContaining("\"context\" must be a string");
    assertThatThrownBy(() -> store.remember(ALICE, NewMemory.of("x").withScope("team")))
        .hasMessageContaining("scope must be");
    assertThatThrownBy(() -> store.remember(ALICE, NewMemory.of("x").withKind("rumour")))
        .hasMessageContaining("kind must be");
    assertThatThrownBy(() -> store.rememberAll(ALICE, List.of(NewMemory.of("fine"), NewMemory.of(""))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.recall(ALICE, "x", 0, Filter.NONE)).hasMessageContaining("k must be");
    assertThatThrownBy(() -> store.recall(ALICE, "x", 5, new Filter(null, null, clock.instant(),
        clock.instant(), null, null, false))).hasMessageContaining("time range");
    assertThatThrownBy(() -> store.importJsonl(ALICE, new StringReader("{\"text\":\"ok\"}\n{\"text\":\"\"}\n")))
        .hasMessageContaining("line 2");
    assertThat(store.list(ALICE, Filter.NONE, 10)).isEmpty();
  }

  @Test
  void exportThenImportRoundTrips() throws Exception {
    store.remember(ALICE, NewMemory.of("likes jazz").withKind("preference")
        .withMetadata(Json.object().put("dia_id", "D1:3")).withCreatedAt(Instant.parse("2023-05-08T13:56:00Z")));
    store.remember(ALICE, NewMemory.of("works as a nurse"));
    StringWriter out = new StringWriter();
    assertThat(store.exportJsonl(ALICE, out)).isEqualTo(2);
    assertThat(store.importJsonl(BOB, new StringReader(out.toString()))).isEqualTo(2);
    Memory jazz = store.recall(BOB, "jazz", 1, Filter.NONE).get(0).memory();
    assertThat(jazz.metadata().path("dia_id").asText()).isEqualTo("D1:3");
    assertThat(jazz.createdAt()).isEqualTo(Instant.parse("2023-05-08T13:56:00Z"));
    assertThat(jazz.kind()).isEqualTo("preference");
  }

  @Test
  void aMemoryIsFoundByItsContextWhichNeverBecomesItsText() throws Exception {
    Memory turn = store.remember(ALICE, NewMemory.of("Bob: Sounds great, count me in!")
        .withContext("Alice: I am organising a pottery workshop on Saturday."));
    store.remember(ALICE, NewMemory.of("Alice: The weather is lovely today."));
    store.remember(ALICE, NewMemory.of("Bob: I bought a new bicycle."));
    List<Hit> hits = store.recall(ALICE, "pottery workshop", 1, Filter.NONE);
    assertThat(hits).extracting(h -> h.memory().id()).containsExactly(turn.id());
    assertThat(hits.get(0).memory().text()).isEqualTo("Bob: Sounds great, count me in!");
    assertThat(hits.get(0).memory().context()).isEqualTo("Alice: I am organising a pottery workshop on Saturday.");
    assertThat(turn.context()).isEqualTo("Alice: I am organising a pottery workshop on Saturday.");
    assertThat(store.get(ALICE, turn.id()).orElseThrow().context()).isEqualTo(turn.context());
    assertThat(store.list(ALICE, Filter.NONE, 10)).filteredOn(m -> m.id().equals(turn.id()))
        .extracting(Memory::context).containsExactly(turn.context());
    assertThat(store.remember(ALICE, NewMemory.of("no context").withContext("  ")).context()).isNull();
  }

  @Test
  void aMemorysContextSurvivesReopeningExportImportAndUpdates() throws Exception {
    Memory first = store.remember(ALICE, NewMemory.of("Caroline: I went to the support group yesterday.")
        .withContext("Melanie: How was the LGBTQ meeting?").withKind("episode"));
    store.remember(ALICE, NewMemory.of("Caroline: My favourite colour is green."));
    store.close();
    store = open(clock, embedder);
    assertThat(store.get(ALICE, first.id()).orElseThrow().context()).isEqualTo("Melanie: How was the LGBTQ meeting?");

    StringWriter out = new StringWriter();
    store.exportJsonl(ALICE, out);
    assertThat(out.toString().lines()).filteredOn(l -> l.contains("support group"))
        .allMatch(l -> Json.parse(l).path("context").asText().equals("Melanie: How was the LGBTQ meeting?"));
    assertThat(out.toString().lines()).filteredOn(l -> l.contains("colour")).noneMatch(l -> l.contains("context"));
    store.importJsonl(BOB, new StringReader(out.toString()));
    Memory imported = store.recall(BOB, "LGBTQ meeting", 1, Filter.NONE).get(0).memory();
    assertThat(imported.text()).isEqualTo("Caroline: I went to the support group yesterday.");
    assertThat(imported.context()).isEqualTo("Melanie: How was the LGBTQ meeting?");

    clock.advance(60);
    Memory second = store.update(ALICE, first.id(), "Caroline: I went to the support group on Monday.", null);
    assertThat(second.context()).as("kept by an update").isEqualTo(first.context());
    assertThat(store.recall(ALICE, "LGBTQ meeting", 1, Filter.NONE)).extracting(h -> h.memory().id())
        .containsExactly(second.id());
    Memory third = store.update(ALICE, second.id(), second.text(), null, "Melanie: Did you go to the counselling "
        + "session?");
    assertThat(store.get(ALICE, third.id()).orElseThrow().context()).isEqualTo(
        "Melanie: Did you go to the counselling session?");
    assertThat(texts(store.recall(ALICE, "counselling session", 1, Filter.NONE))).containsExactly(third.text());
    assertThat(store.get(ALICE, second.id()).orElseThrow().context()).as("history keeps its own")
        .isEqualTo("Melanie: How was the LGBTQ meeting?");
    Memory fourth = store.update(ALICE, third.id(), third.text(), null, "");
    assertThat(store.get(ALICE, fourth.id()).orElseThrow().context()).as("removed by a blank one").isNull();
    assertThatThrownBy(() -> store.update(ALICE, fourth.id(), "x", null, "y".repeat(NewMemory.MAX_CONTEXT + 1)))
        .hasMessageContaining("context is limited");
    assertThat(store.get(ALICE, fourth.id()).orElseThrow().current()).isTrue();
  }

  @Test
  void forgettingAMemoryForgetsItsContext() throws Exception {
    Memory m = store.remember(ALICE, NewMemory.of("Alice: yes, that one")
        .withContext("Bob: is your safe combination still kx88213?"));
    store.remember(ALICE, NewMemory.of("unrelated note about gardening"));
    assertThat(holdsTrace("kx88213")).as("control").isTrue();
    store.forget(ALICE, m.id());
    assertThat(store.recall(ALICE, "kx88213 safe combination", 5, Filter.NONE)).extracting(h -> h.memory().id())
        .doesNotContain(m.id());
    assertThat(holdsTrace("kx88213")).isFalse();
  }

  @Test
  void concurrentWritersLoseNothingAndReopeningKeepsEverything() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Memory>> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      writes.add(pool.submit(() -> store.remember(n % 2 == 0 ? ALICE : BOB, NewMemory.of("note number " + n))));
    }
    for (Future<Memory> f : writes) {
      f.get();
    }
    pool.shutdown();
    store.close();
    store = open(clock, null); // reopened, lexical only
    assertThat(store.list(ALICE, Filter.NONE, 100)).hasSize(20);
    assertThat(store.list(BOB, Filter.NONE, 100)).hasSize(20);
    assertThat(store.recall(BOB, "note number 7", 1, Filter.NONE).get(0).memory().text()).isEqualTo("note number 7");
  }

  static List<String> texts(List<Hit> hits) {
    return hits.stream().map(h -> h.memory().text()).toList();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
