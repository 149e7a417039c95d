package dev.concierge.gateway.auth;

import dev.concierge.context.StateStore;
import dev.concierge.context.StateStore.KeyRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * API keys in the gateway's {@link StateStore}, for nodes that share a database: every node accepts a key that any
 * node, or {@code concierge users --store jdbc:...}, issued. Only the keys' digests are kept, as in
 * {@link FileKeyStore}.
 *
 * <p>{@link #verify} is on every request's path, so a node caches what it looked up, a key's record or that there is
 * none, for {@link #CACHE_MILLIS}. Adding or revoking a key tells every node at once over the store's channel, and
 * each drops that id from its cache; a node that missed the message (its listening connection broke) sees the change
 * when the entry expires. So a revoked key stops working everywhere at once, and after 30 seconds at the latest
 * (timed by the monotonic clock: setting the wall clock back does not keep a revoked key alive).
 *
 * <p>Closing it stops listening for changes; the state store stays open.
 */
public final class SharedKeyStore implements KeyStore, AutoCloseable {
  static final String TOPIC = "api-keys";
  static final long CACHE_MILLIS = 30_000;
  /**
   * Unknown ids are cached too, so that guessing costs the database nothing, but apart from the keys found and at most
   * this many: a flood of guesses evicts earlier guesses, never a real key.
   */
  static final int MAX_UNKNOWN = 10_000;
  private static final long CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(CACHE_MILLIS);
  private static final System.Logger LOG = System.getLogger(SharedKeyStore.class.getName());

  /** A lookup's outcome; {@code entry} is {@code null} when there is no such key. */
  private record Cached(KeyFile.Entry entry, long expiresAtNanos) {}

  private final StateStore state;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Map<String, Cached> found = new ConcurrentHashMap<>();
  private final Map<String, Cached> unknown = new ConcurrentHashMap<>();
  /** Counts the changes heard, so that a lookup that raced one does not cache what it read before it. */
  private final AtomicLong changes = new AtomicLong();
  private final AutoCloseable listening;

  public SharedKeyStore(StateStore state) {
    this(state, Clock.systemUTC(), System::nanoTime);
  }

  /**
   * @param clock stamps new keys
   * @param nanoTime a monotonic clock (as {@link System#nanoTime}) that expires cached lookups
   */
  public SharedKeyStore(StateStore state, Clock clock, LongSupplier nanoTime) {
    this.state = state;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.listening = state.subscribe(TOPIC, id -> {
      changes.incrementAndGet();
      forget(id);
    });
  }

  @Override
  public Issued add(String tenant, String user, Set<String> groups, String label) throws IOException {
    ApiKeys.checkOwner(tenant, user);
    KeyInfo info;
    String key;
    do {
      String id = ApiKeys.newId();
      key = ApiKeys.newKey(id);
      info = new KeyInfo(id, tenant, user, groups == null ? Set.of() : Set.copyOf(groups), label, clock.instant());
    } while (!store(info, Secrets.sha256(key)));
    changed(info.id()); // a node may have cached the id as unknown
    return new Issued(info, key);
  }

  /**
   * Copies the keys of a single gateway's key file here, digests and all, so that they keep working when its users move
   * to nodes on a database. Keys already here are left as they are; returns how many were copied.
   */
  public int copyFrom(FileKeyStore file) throws IOException {
    int copied = 0;
    for (KeyFile.Entry e : file.entries().values()) {
      if (store(e.info(), e.digest())) {
        changed(e.info().id());
        copied++;
      }
    }
    return copied;
  }

  /** Adds a key's record unless its id is taken. */
  private boolean store(KeyInfo info, byte[] digest) throws IOException {
    return state.addKey(new KeyRecord(info.id(), digest, KeyFile.infoJson(info)));
  }

  @Override
  public List<KeyInfo> list() throws IOException {
    return state.keys().stream().map(r -> KeyFile.info(r.id(), r.data())).toList();
  }

  @Override
  public boolean revoke(String idOrPrefix) throws IOException {
    String wanted = ApiKeys.idOf(idOrPrefix);
    String id = state.deleteKey(wanted) ? wanted
        : ApiKeys.byPrefix(state.keys().stream().map(KeyRecord::id).toList(), wanted);
    if (id == null || (!id.equals(wanted) && !state.deleteKey(id))) {
      return false;
    }
    changed(id);
    return true;
  }

  /**
   * @throws UncheckedIOException when the key is not cached and the store cannot be reached: the caller cannot tell
   *     a good key from a bad one now
   */
  @Override
  public Optional<Principal> verify(String key) {
    String id = ApiKeys.idIn(key);
    if (id == null) {
      return Optional.empty();
    }
    long now = nanoTime.getAsLong();
    Cached cached = found.get(id);
    if (cached == null) {
      cached = unknown.get(id);
    }
    if (cached == null || cached.expiresAtNanos() - now <= 0) {
      cached = lookUp(id, now);
    }
    KeyFile.Entry entry = cached.entry();
    return entry != null && ApiKeys.matches(key, entry.digest()) ? Optional.of(entry.principal()) : Optional.empty();
  }

  private Cached lookUp(String id, long now) {
    long before = changes.get();
    Optional<KeyRecord> record;
    try {
      record = state.key(id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Cached fresh = new Cached(record.map(SharedKeyStore::entry).orElse(null), now + CACHE_NANOS);
    if (changes.get() == before) { // a change heard meanwhile may be newer than what was read: ask again next time
      forget(id); // an entry of the other kind, if it had expired
      if (fresh.entry() != null) {
        found.put(id, fresh);
      } else {
        evictAnUnknownIfFull();
        unknown.put(id, fresh);
      }
      if (changes.get() != before) { // a change heard between the check and the put: its removal may have come first
        forget(id);
      }
    }
    return fresh;
  }

  private void evictAnUnknownIfFull() {
    var ids = unknown.keySet().iterator();
    while (unknown.size() >= MAX_UNKNOWN && ids.hasNext()) {
      ids.next();
      ids.remove();
    }
  }

  private void forget(String id) {
    found.remove(id);
    unknown.remove(id);
  }

  /** A damaged record accepts nothing (and says so in the log, never to the client). */
  private static KeyFile.Entry entry(KeyRecord record) {
    try {
      return KeyFile.entry(KeyFile.info(record.id(), record.data()), record.digest());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "API key " + record.id() + " is damaged in the store: " + e.getMessage());
      return null;
    }
  }

  /** The change is stored; every node (this one too) is told to forget what it cached of the key. */
  private void changed(String id) {
    forget(id);
    try {
      state.publish(TOPIC, id);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "key " + id + " changed, but the other nodes could not be told now; they "
          + "see it within " + CACHE_MILLIS / 1000 + " s: " + e.getMessage());
    }
  }

  @Override
  public void close() throws Exception {
    listening.close();
  }
}
