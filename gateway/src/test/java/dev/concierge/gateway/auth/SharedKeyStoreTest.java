package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.context.LocalStateStore;
import dev.concierge.context.StateStore;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Keys in the state store the nodes share; each {@link #open()} is another node on the same store. */
class SharedKeyStoreTest extends KeyStoreContract {
  private final LocalStateStore state = new LocalStateStore(null);
  /** When set, every call to the store fails, as when the database cannot be reached. */
  private final AtomicBoolean down = new AtomicBoolean();
  /** Runs right after the store answered a key lookup, before the answer reaches the key store. */
  private final AtomicReference<Runnable> afterLookup = new AtomicReference<>();
  private final StateStore reachable = (StateStore) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
        if (down.get()) {
          throw new IOException("connection refused");
        }
        try {
          Object result = method.invoke(state, args);
          Runnable after = method.getName().equals("key") ? afterLookup.getAndSet(null) : null;
          if (after != null) {
            after.run();
          }
          return result;
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  /** The monotonic clock that times cached lookups. */
  private final AtomicLong nanoTime = new AtomicLong();

  @Override
  KeyStore open() {
    return new SharedKeyStore(reachable, clock, nanoTime::get);
  }

  @Override
  void seed(String id, String tenant, String user) throws IOException {
    state.addKey(new StateStore.KeyRecord(id, Base64.getDecoder().decode(
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), Json.object().put("tenant", tenant).put("user", user)
        .put("created", "2027-01-01T00:00:00Z")));
  }

  @Test
  void theStoreHoldsOnlyADigestOfTheKey() throws Exception {
    KeyStore.Issued issued = open().add("acme", "bob", Set.of("eng"), "laptop");
    String secret = issued.key().substring(issued.key().lastIndexOf('_') + 1);
    assertThat(state.keys()).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo(issued.info().id());
      assertThat(r.digest()).isEqualTo(Secrets.sha256(issued.key()));
      assertThat(Json.write(r.data())).doesNotContain(secret);
      assertThat(new String(r.digest(), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    });
  }

  @Test
  void aRevocationOnOneNodeStopsTheKeyOnEveryNodeAtOnce() throws Exception {
    KeyStore nodeA = open();
    KeyStore nodeB = open();
    KeyStore.Issued issued = nodeA.add("acme", "bob", Set.of(), null);
    assertThat(nodeB.verify(issued.key())).as("cached on B from now on").isPresent();

    assertThat(nodeA.revoke(issued.info().id())).isTrue();
    assertThat(nodeB.verify(issued.key())).as("B was told, without waiting for its cache").isEmpty();
    assertThat(nodeB.revoke(issued.info().id())).as("already gone").isFalse();
  }

  @Test
  void aKeyAddedAfterANodeLookedForItIsAcceptedAtOnce() throws Exception {
    KeyStore nodeB = open();
    assertThat(nodeB.verify("cnc_0123456789ab_guess")).isEmpty(); // B now caches an unknown id
    KeyStore.Issued issued = open().add("acme", "bob", Set.of(), null);
    assertThat(nodeB.verify(issued.key())).isPresent();
  }

  @Test
  void aNodeThatMissedARevocationStopsAcceptingTheKeyWhenItsCacheExpires() throws Exception {
    KeyStore node = open();
    KeyStore.Issued issued = node.add("acme", "bob", Set.of(), null);
    assertThat(node.verify(issued.key())).isPresent();

    state.deleteKey(issued.info().id()); // revoked, and the message to this node lost
    assertThat(node.verify(issued.key())).as("still cached").isPresent();
    clock.advance(Duration.ofHours(-1)); // the wall clock set back does not keep the entry
    nanoTime.addAndGet(TimeUnit.MILLISECONDS.toNanos(SharedKeyStore.CACHE_MILLIS));
    assertThat(node.verify(issued.key())).isEmpty();
  }

  @Test
  void aRevocationHeardWhileALookupWasUnderWayIsNotUndoneByCachingWhatTheLookupRead() throws Exception {
    KeyStore node = open();
    KeyStore.Issued issued = open().add("acme", "bob", Set.of(), null);
    afterLookup.set(() -> { // the record was read; another node revokes the key before this one caches it
      try {
        assertThat(open().revoke(issued.info().id())).isTrue();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });

    node.verify(issued.key()); // either answer is fair for a request racing the revocation
    assertThat(afterLookup.get()).as("the race ran").isNull();
    assertThat(node.verify(issued.key())).as("what the racing lookup read was not cached").isEmpty();
  }

  @Test
  void aFloodOfGuessedKeysDoesNotPushRealKeysOutOfTheCache() throws Exception {
    KeyStore node = open();
    KeyStore.Issued issued = node.add("acme", "bob", Set.of(), null);
    assertThat(node.verify(issued.key())).isPresent();
    for (int i = 0; i <= SharedKeyStore.MAX_UNKNOWN; i++) {
      assertThat(node.verify("cnc_%012x_guess".formatted(i))).isEmpty();
    }

    down.set(true); // the real key is answered from the cache, or it would be a 503 now
    assertThat(node.verify(issued.key())).isPresent();
  }

  @Test
  void anUnreachableStoreIsAServiceErrorNotABadKey() throws Exception {
    KeyStore node = open();
    KeyStore.Issued cached = node.add("acme", "bob", Set.of(), null);
    KeyStore.Issued unseen = open().add("acme", "carol", Set.of(), null);
    assertThat(node.verify(cached.key())).isPresent();
    down.set(true);

    ApiKeyAuthenticator auth = new ApiKeyAuthenticator(node);
    assertThat(auth.authenticate("Bearer " + cached.key())).as("from the cache")
        .isEqualTo(new Principal("acme", "bob", Set.of()));
    assertThatThrownBy(() -> auth.authenticate("Bearer " + unseen.key())).isInstanceOfSatisfying(
        AuthException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).doesNotContain(unseen.key()).doesNotContain("connection refused");
        });
    assertThatThrownBy(() -> node.add("acme", "dave", Set.of(), null)).isInstanceOf(IOException.class);

    down.set(false);
    assertThat(auth.authenticate("Bearer " + unseen.key())).isEqualTo(new Principal("acme", "carol", Set.of()));
  }
}
