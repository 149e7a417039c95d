package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest {
  private static final Instant START = Instant.parse("2027-01-15T10:00:00Z");

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(START);

  @Test
  void aKeyIsShownOnceStoredOnlyAsADigestAndVerifies() throws Exception {
    FileKeyStore store = new FileKeyStore(dir, clock);
    KeyStore.Issued issued = store.add("acme", "bob", Set.of("eng", "ops"), "laptop");
    assertThat(issued.key()).matches("cnc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}").contains(issued.info().id());
    assertThat(store.verify(issued.key())).contains(new Principal("acme", "bob", Set.of("eng", "ops")));

    Path file = dir.resolve(FileKeyStore.FILE);
    String secret = issued.key().substring(issued.key().lastIndexOf('_') + 1);
    assertThat(Files.readString(file)).doesNotContain(issued.key()).doesNotContain(secret)
        .contains(issued.info().id());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(store.list()).singleElement().satisfies(k -> {
      assertThat(k).isEqualTo(issued.info());
      assertThat(k.toString()).doesNotContain(secret);
      assertThat(k.created()).isEqualTo(START);
      assertThat(k.label()).isEqualTo("laptop");
    });
    assertThat(new FileKeyStore(dir).verify(issued.key())).as("after a restart").isPresent();
  }

  @Test
  void anythingButALiveKeyIsRefused() throws Exception {
    FileKeyStore store = new FileKeyStore(dir, clock);
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
  void aRevocationByAnotherProcessReachesARunningGatewayWithinASecond() throws Exception {
    FileKeyStore running = new FileKeyStore(dir, clock);
    KeyStore.Issued issued = running.add("acme", "bob", Set.of(), null);
    assertThat(running.verify(issued.key())).isPresent();

    FileKeyStore cli = new FileKeyStore(dir); // `concierge users revoke` elsewhere, same file
    assertThat(cli.revoke(issued.info().id())).isTrue();
    KeyStore.Issued added = cli.add("acme", "carol", Set.of(), null);
    assertThat(running.verify(issued.key())).as("checked at most once a second").isPresent();
    clock.advance(Duration.ofMillis(1001));
    assertThat(running.verify(issued.key())).isEmpty();
    assertThat(running.verify(added.key())).isPresent();
    assertThat(running.list()).extracting(KeyStore.KeyInfo::user).containsExactly("carol");
    assertThat(cli.revoke(issued.info().id())).as("already gone").isFalse();
  }

  @Test
  void aKeyIsRevokedByIdUniquePrefixOrTheKeyItself() throws Exception {
    Files.writeString(dir.resolve(FileKeyStore.FILE), """
        {"keys": [
          {"id": "abcd00000001", "tenant": "t", "user": "a", "groups": [], "created": "2027-01-01T00:00:00Z",
           "sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
          {"id": "abcd00000002", "tenant": "t", "user": "b", "groups": ["g"], "created": "2027-01-01T00:00:00Z",
           "sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}]}
        """);
    FileKeyStore store = new FileKeyStore(dir, clock);
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
  }

  @Test
  void aBrokenFileRefusesEveryKeyRatherThanResurrectingRevokedOnes() throws Exception {
    FileKeyStore store = new FileKeyStore(dir, clock);
    KeyStore.Issued issued = store.add("acme", "bob", Set.of(), null);
    Files.writeString(dir.resolve(FileKeyStore.FILE), "{\"keys\": [ {\"id\": ");
    clock.advance(Duration.ofSeconds(2));
    assertThat(store.verify(issued.key())).isEmpty();
    assertThatThrownBy(() -> new FileKeyStore(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("not a valid key file");
    assertThatThrownBy(() -> store.add("acme", "eve", Set.of(), null)).isInstanceOf(IOException.class);
    assertThatThrownBy(store::list).isInstanceOf(IOException.class);
    assertThat(Files.readString(dir.resolve(FileKeyStore.FILE))).as("not overwritten").startsWith("{\"keys\": [ {");
  }

  @Test
  void concurrentAddsFromTwoInstancesLoseNothing() throws Exception {
    FileKeyStore a = new FileKeyStore(dir, clock);
    FileKeyStore b = new FileKeyStore(dir, clock);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<KeyStore.Issued>> issued = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        FileKeyStore store = i % 2 == 0 ? a : b;
        String user = "u" + i;
        issued.add(pool.submit(() -> store.add("acme", user, Set.of(), null)));
      }
      for (Future<KeyStore.Issued> f : issued) {
        assertThat(a.list()).isNotNull();
        f.get();
      }
      assertThat(new FileKeyStore(dir).list()).hasSize(40);
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
    FileKeyStore store = new FileKeyStore(dir, clock);
    assertThatThrownBy(() -> store.add(" ", "bob", Set.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.add("acme", null, Set.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.exists(dir.resolve(FileKeyStore.FILE))).isFalse();
  }
}
