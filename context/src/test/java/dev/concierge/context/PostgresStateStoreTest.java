package dev.concierge.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.context.StateStore.KeyRecord;
import dev.concierge.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway's API keys and the channel between nodes, on a real PostgreSQL, seen from two nodes' stores. */
class PostgresStateStoreTest {
  @Test
  void keysAreSharedByEveryNodeAndKeptOnlyAsGiven() throws Exception {
    String url = TestPostgres.freshDatabase();
    try (PostgresStateStore a = PostgresStateStore.open(url); PostgresStateStore b = PostgresStateStore.open(url)) {
      byte[] digest = new byte[32];
      digest[0] = 7;
      KeyRecord first = new KeyRecord("0123456789ab", digest, Json.object().put("tenant", "t").put("user", "u"));
      assertThat(a.addKey(first)).isTrue();
      assertThat(b.addKey(new KeyRecord("0123456789ab", new byte[32], Json.object()))).as("the id is taken")
          .isFalse();
      assertThat(a.addKey(new KeyRecord("ba9876543210", new byte[32], Json.object().put("user", "v")))).isTrue();

      KeyRecord read = b.key("0123456789ab").orElseThrow();
      assertThat(read.digest()).isEqualTo(digest);
      assertThat(read.data()).isEqualTo(first.data());
      assertThat(b.keys()).extracting(KeyRecord::id).containsExactly("0123456789ab", "ba9876543210");
      assertThat(b.key("ffffffffffff")).isEmpty();

      assertThat(b.deleteKey("0123456789ab")).isTrue();
      assertThat(a.deleteKey("0123456789ab")).isFalse();
      assertThat(a.key("0123456789ab")).isEmpty();
      assertThat(a.keys()).extracting(KeyRecord::id).containsExactly("ba9876543210");
    }
  }

  @Test
  void aMessagePublishedOnOneNodeReachesTheOthersSubscribersInOrder() throws Exception {
    String url = TestPostgres.freshDatabase();
    try (PostgresStateStore a = PostgresStateStore.open(url); PostgresStateStore b = PostgresStateStore.open(url)) {
      LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
      b.subscribe("api-keys", heard::add);
      b.subscribe("other", m -> heard.add("wrong topic: " + m));
      String big = "x".repeat(10_000); // over NOTIFY's payload limit: travels through a table
      // the listener connects on its own thread: say hello until it hears
      String first = null;
      for (int i = 0; i < 100 && first == null; i++) {
        a.publish("api-keys", "hello " + i);
        first = heard.poll(100, TimeUnit.MILLISECONDS);
      }
      assertThat(first).startsWith("hello");
      a.publish("api-keys", "one");
      a.publish("api-keys", big);
      a.publish("api-keys", "three");
      List<String> after = new ArrayList<>();
      while (!after.contains("three")) {
        String m = heard.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("heard so far: " + after.size()).isNotNull();
        if (!m.startsWith("hello")) {
          after.add(m);
        }
      }
      assertThat(after).containsExactly("one", big, "three");
    }
  }
}
