package dev.concierge.gateway.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * API keys in {@code <store>/api-keys.json}, as SHA-256 digests of keys of the form {@link ApiKeys} describes: one
 * gateway process (several nodes on a database share {@link SharedKeyStore} instead).
 *
 * <p>Every change is a locked read-modify-write and an atomic, owner-only rewrite, so concurrent {@code concierge
 * users} commands lose nothing and a reader never sees half a file. A running gateway checks the file's identity,
 * size and modification time at most once a second and re-reads it when any changed: {@code concierge users
 * revoke} in another process takes effect within about a second. If the file becomes unreadable, no key is accepted
 * until it is fixed (a revocation must never be undone by a broken edit).
 */
public final class FileKeyStore implements KeyStore {
  static final String FILE = "api-keys.json";
  private static final long RECHECK_MILLIS = 1000;
  /** File locks are held per process, so this JVM's own instances also queue on a lock of their own. */
  private static final Object JVM_LOCK = new Object();
  private static final System.Logger LOG = System.getLogger(FileKeyStore.class.getName());

  /** Which version of the file is loaded: an atomic rewrite changes the file key even within one mtime tick. */
  private record Stamp(Object fileKey, FileTime modified, long size) {}

  private final Path file;
  private final Clock clock;
  private volatile Map<String, KeyFile.Entry> entries = Map.of();
  private volatile long nextCheckMillis;
  private Stamp loaded; // guarded by this
  private boolean broken; // guarded by this: the version at `loaded` did not parse

  /** @throws IOException when an existing key file cannot be read (better to fail at start than refuse later) */
  public FileKeyStore(Path storeDir) throws IOException {
    this(storeDir, Clock.systemUTC());
  }

  /** @param clock stamps new keys and paces the checks for changes made elsewhere */
  public FileKeyStore(Path storeDir, Clock clock) throws IOException {
    this.file = storeDir.resolve(FILE);
    this.clock = clock;
    synchronized (this) {
      loadIfChanged();
    }
    nextCheckMillis = clock.millis() + RECHECK_MILLIS;
  }

  @Override
  public Issued add(String tenant, String user, Set<String> groups, String label) throws IOException {
    ApiKeys.checkOwner(tenant, user);
    return change(keys -> {
      String id;
      do {
        id = ApiKeys.newId();
      } while (keys.containsKey(id));
      String key = ApiKeys.newKey(id);
      KeyInfo info = new KeyInfo(id, tenant, user, groups == null ? Set.of() : Set.copyOf(groups), label,
          clock.instant());
      keys.put(id, KeyFile.entry(info, Secrets.sha256(key)));
      return new Issued(info, key);
    });
  }

  /** The keys as kept: who each is for and its digest (for moving them to another store). */
  Map<String, KeyFile.Entry> entries() throws IOException {
    synchronized (this) {
      loadIfChanged();
    }
    return entries;
  }

  @Override
  public List<KeyInfo> list() throws IOException {
    synchronized (this) {
      loadIfChanged();
    }
    return entries.values().stream().map(KeyFile.Entry::info).toList();
  }

  @Override
  public boolean revoke(String idOrPrefix) throws IOException {
    String wanted = ApiKeys.idOf(idOrPrefix);
    return change(keys -> {
      if (keys.remove(wanted) != null) {
        return true;
      }
      String match = ApiKeys.byPrefix(keys.keySet(), wanted);
      return match != null && keys.remove(match) != null;
    });
  }

  @Override
  public Optional<Principal> verify(String key) {
    String id = ApiKeys.idIn(key);
    if (id == null) {
      return Optional.empty();
    }
    refreshIfDue();
    KeyFile.Entry entry = entries.get(id);
    return entry != null && ApiKeys.matches(key, entry.digest()) ? Optional.of(entry.principal()) : Optional.empty();
  }

  /** The change of a read-modify-write; {@code keys} is a mutable copy of the current file's keys. */
  private interface Change<T> {
    T apply(Map<String, KeyFile.Entry> keys) throws IOException;
  }

  private <T> T change(Change<T> change) throws IOException {
    synchronized (JVM_LOCK) {
      Secrets.createPrivateDirectories(file.getParent());
      Path lockFile = file.resolveSibling(FILE + ".lock");
      try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.WRITE), Secrets.ownerOnly())) {
        channel.lock(); // held until the channel closes: other processes' changes wait for ours
        synchronized (this) {
          loadIfChanged();
          Map<String, KeyFile.Entry> keys = new LinkedHashMap<>(entries);
          T result = change.apply(keys);
          if (!keys.equals(entries)) {
            Secrets.writeOwnerOnly(file, KeyFile.write(keys.values()));
            entries = Collections.unmodifiableMap(keys);
            loaded = stamp();
          }
          return result;
        }
      }
    }
  }

  /** On the request path: a stat at most once a second; a broken file means no keys, not the old keys. */
  private void refreshIfDue() {
    if (clock.millis() < nextCheckMillis) {
      return;
    }
    synchronized (this) {
      long now = clock.millis();
      if (now < nextCheckMillis) {
        return;
      }
      nextCheckMillis = now + RECHECK_MILLIS;
      Stamp stamp = null;
      try {
        stamp = stamp();
        if (!Objects.equals(stamp, loaded)) {
          load(stamp);
        }
      } catch (IOException | RuntimeException e) {
        entries = Map.of();
        loaded = stamp; // report each broken version once, not every second
        broken = true;
        LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ", refusing every API key until it is fixed: "
            + e.getMessage());
      }
    }
  }

  /** Strict, for the CLI and for changes: a broken file is an error here, never an empty list to write back. */
  private void loadIfChanged() throws IOException {
    Stamp stamp = stamp();
    if (broken || stamp == null || !stamp.equals(loaded)) {
      load(stamp);
    }
  }

  /** The stamp is taken before reading, so a rewrite in between is seen again at the next check rather than lost. */
  private void load(Stamp stamp) throws IOException {
    entries = stamp == null ? Map.of() : KeyFile.read(file);
    loaded = stamp;
    broken = false;
  }

  private Stamp stamp() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
