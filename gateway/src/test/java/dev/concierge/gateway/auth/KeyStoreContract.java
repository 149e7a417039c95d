package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link KeyStore} does, whatever keeps its keys: each implementation's test extends this. */
abstract class KeyStoreContract {
  static final Instant START = Instant.parse("2027-01-15T10:00:00Z");
  final MutableClock clock = new MutableClock(START);

  /** A store on the same keys as every other this test opened: another process, or another node. */
  abstract KeyStore open() throws Exception;

  /** Puts a key with this id (whose digest matches no key) underneath the store, as an older version left it. */
  abstract void seed(String id, String tenant, String user) throws Exception;

  @Test
  void aKeyIsShownOnceAndVerifiesOnEveryInstance() throws Exception {
    KeyStore store = open();
    KeyStore.Issued issued = store.add("acme", "bob", Set.of("eng", "ops"), "laptop");
    assertThat(issued.key()).matches("cnc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}").contains(issued.info().id());
    assertThat(store.verify(issued.key())).contains(new Principal("acme", "bob", Set.of("eng", "ops")));
    String secret = issued.key().substring(issued.key().lastIndexOf('_') + 1);
    assertThat(store.list()).singleElement().satisfies(k -> {
      assertThat(k).isEqualTo(issued.info());
      assertThat(k.toString()).doesNotContain(secret);
      assertThat(k.created()).isEqualTo(START);
      assertThat(k.label()).isEqualTo("laptop");
    });
    assertThat(open().verify(issued.key())).as("on another instance").isPresent();
  }

  @Test
  void anythingButALiveKeyIsRefused() throws Exception {
    KeyStore store = open();
    String key = store.add("acme", "bob", Set.of(), null).key();
    String wrongSecret = key.substring(0, key.length() - 2) + (key.endsWith("AA") ? "BB" : "AA");
    for (String bad : new String[] {null, "", "cnc_", key + "x", wrongSecret, "cnc_000000000000_guess",
        key.replace("cnc_", "abc_"), key.toUpperCase()}) {
      assertThat(store.verify(bad)).as(String.valueOf(bad)).isEmpty();
    }
    ApiKeyAuthenticator auth = new ApiKeyAuthenticator(store);
    assertThat(auth.authenticate("Bearer " + key)).isEqualTo(new Principal("acme", "bob", Set.of()));
    assertThatThrownBy(() -> auth.authenticate("Bearer " + wrongSecret)).isInstanceOfSatisfying(AuthException.class,
        e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.error()).isEqualTo("invalid_token");
          assertThat(e.getMessage()).doesNotContain(wrongSecret).doesNotContain(key);
        });
    assertThatThrownBy(() -> auth.authenticate(null)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.error()).isNull());
    assertThatThrownBy(() -> auth.authenticate("Basic " + key)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.error()).isEqualTo("invalid_request"));
  }

  @Test
  void aKeyIsRevokedByIdUniquePrefixOrTheKeyItself() throws Exception {
    seed("abcd00000001", "t", "a");
    seed("abcd00000002", "t", "b");
    KeyStore store = open();
    assertThat(store.list()).extracting(KeyStore.KeyInfo::user).containsExactly("a", "b");
    assertThatThrownBy(() -> store.revoke("abcd")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 key ids");
    assertThat(store.revoke("abc")).as("too short to be a prefix").isFalse();
    assertThat(store.revoke("ABCD00000002")).isTrue();
    assertThat(store.revoke("abcd")).as("now unique").isTrue();
    assertThat(store.list()).isEmpty();

    KeyStore.Issued one = store.add("t", "c", Set.of(), null);
    KeyStore.Issued two = store.add("t", "d", Set.of(), null);
    assertThat(store.revoke("cnc_" + one.info().id())).isTrue();
    assertThat(store.revoke(two.key())).isTrue();
    assertThat(store.list()).isEmpty();
    assertThat(store.revoke("ffffffffffff")).isFalse();
    assertThat(store.verify(one.key())).isEmpty();
  }

  @Test
  void concurrentAddsFromTwoInstancesLoseNothing() throws Exception {
    KeyStore a = open();
    KeyStore b = open();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<KeyStore.Issued>> issued = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        KeyStore store = i % 2 == 0 ? a : b;
        String user = "u" + i;
        issued.add(pool.submit(() -> store.add("acme", user, Set.of(), null)));
      }
      for (Future<KeyStore.Issued> f : issued) {
        assertThat(a.list()).isNotNull();
        f.get();
      }
      assertThat(open().list()).hasSize(40);
      clock.advance(Duration.ofSeconds(2));
      for (Future<KeyStore.Issued> f : issued) {
        assertThat(a.verify(f.get().key())).isPresent();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aKeyNeedsATenantAndAUser() throws Exception {
    KeyStore store = open();
    assertThatThrownBy(() -> store.add(" ", "bob", Set.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.add("acme", null, Set.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.list()).isEmpty();
  }
}
