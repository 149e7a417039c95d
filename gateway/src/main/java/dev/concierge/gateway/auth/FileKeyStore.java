package dev.concierge.gateway.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * API keys in {@code <store>/api-keys.json}, as SHA-256 digests (the keys carry 256 random bits, so a plain digest is
 * as strong as the key; a slow password hash would only slow every request). A key reads {@code cnc_<id>_<secret>}:
 * the 12-hex-digit id finds the record in O(1) and is safe to show, the digest of the whole key must match.
 *
 * <p>Every change is a locked read-modify-write and an atomic, owner-only rewrite, so concurrent {@code concierge
 * users} commands lose nothing and a reader never sees half a file. A running gateway checks the file's identity,
 * size and modification time at most once a second and re-reads it when any changed: {@code concierge users
 * revoke} in another process takes effect within about a second. If the file becomes unreadable, no key is accepted
 * until it is fixed (a revocation must never be undone by a broken edit).
 */
public final class FileKeyStore implements KeyStore {
  static final String FILE = "api-keys.json";
  static final String PREFIX = "cnc_";
  static final int ID_HEX = 12;
  private static final int MIN_PREFIX = 4;
  private static final int MAX_KEY = 256;
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
    if (tenant == null || tenant.isBlank() || user == null || user.isBlank()) {
      throw new IllegalArgumentException("a key needs a tenant and a user");
    }
    return change(keys -> {
      String id;
      do {
        id = HexFormat.of().formatHex(Secrets.randomBytes(ID_HEX / 2));
      } while (keys.containsKey(id));
      String key = PREFIX + id + "_" + Secrets.randomToken(32);
      KeyInfo info = new KeyInfo(id, tenant, user, groups == null ? Set.of() : Set.copyOf(groups), label,
          clock.instant());
      keys.put(id, KeyFile.entry(info, Secrets.sha256(key)));
      return new Issued(info, key);
    });
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
    String wanted = idOf(idOrPrefix);
    return change(keys -> {
      if (keys.remove(wanted) != null) {
        return true;
      }
      if (wanted.length() < MIN_PREFIX) {
        return false;
      }
      List<String> matches = keys.keySet().stream().filter(id -> id.startsWith(wanted)).toList();
      if (matches.size() > 1) {
        throw new IllegalArgumentException("\"" + wanted + "\" is the start of " + matches.size() + " key ids: "
            + String.join(", ", matches));
      }
      return matches.size() == 1 && keys.remove(matches.get(0)) != null;
    });
  }

  @Override
  public Optional<Principal> verify(String key) {
    if (key == null || key.length() > MAX_KEY || !key.startsWith(PREFIX) || key.length() < PREFIX.length() + ID_HEX + 2
        || key.charAt(PREFIX.length() + ID_HEX) != '_') {
      return Optional.empty();
    }
    refreshIfDue();
    KeyFile.Entry entry = entries.get(key.substring(PREFIX.length(), PREFIX.length() + ID_HEX));
    if (entry == null || !MessageDigest.isEqual(entry.digest(), Secrets.sha256(key))) {
      return Optional.empty();
    }
    return Optional.of(entry.principal());
  }

  /** {@code 0a1b2c}, {@code cnc_0a1b2c...} or a whole key: the id part, lower-cased. */
  private static String idOf(String idOrPrefix) {
    String s = Objects.requireNonNull(idOrPrefix, "id").strip().toLowerCase(Locale.ROOT);
    if (s.startsWith(PREFIX)) {
      s = s.substring(PREFIX.length());
      int end = s.indexOf('_');
      s = end < 0 ? s : s.substring(0, end);
    }
    return s;
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
