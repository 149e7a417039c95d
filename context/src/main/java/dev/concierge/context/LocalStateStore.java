package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The state of a single gateway process: sessions in memory (a restart ends them, and clients open new ones as the
 * protocol expects on 404), secrets kept by the caller (so that what was signed before a restart still verifies),
 * and messages delivered in-process.
 */
public final class LocalStateStore implements StateStore {
  /** Where a process keeps named secrets across restarts (the gateway: owner-only files in its data directory). */
  public interface SecretKeeper {
    byte[] secret(String name) throws IOException;
  }

  private final SecretKeeper secrets;
  private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

  /** {@code secrets} keeps the secrets; {@code null} keeps them in memory, for this process only. */
  public LocalStateStore(SecretKeeper secrets) {
    this.secrets = secrets;
  }

  private final Map<String, byte[]> memorySecrets = new ConcurrentHashMap<>();

  private static String key(String owner, String id) {
    return owner + "\n" + id;
  }

  @Override
  public synchronized boolean createSession(SessionRecord session, int maxPerOwner) {
    long held = sessions.values().stream().filter(s -> s.owner().equals(session.owner())).count();
    if (held >= maxPerOwner) {
      return false;
    }
    sessions.put(key(session.owner(), session.id()), session);
    return true;
  }

  @Override
  public Optional<SessionRecord> session(String owner, String id) {
    return Optional.ofNullable(sessions.get(key(owner, id)));
  }

  @Override
  public boolean saveSession(String owner, String id, ObjectNode data, long nowMillis) {
    return sessions.computeIfPresent(key(owner, id), (k, s) -> new SessionRecord(owner, id, data, nowMillis)) != null;
  }

  @Override
  public void touchSessions(List<String> ids, long nowMillis) {
    List<String> wanted = List.copyOf(ids);
    sessions.replaceAll((k, s) -> wanted.contains(s.id()) ? new SessionRecord(s.owner(), s.id(), s.data(), nowMillis)
        : s);
  }

  @Override
  public boolean deleteSession(String owner, String id) {
    return sessions.remove(key(owner, id)) != null;
  }

  @Override
  public List<SessionRecord> expireSessions(long cutoffMillis) {
    List<SessionRecord> gone = new ArrayList<>();
    for (SessionRecord s : sessions.values()) {
      if (s.lastSeenMillis() < cutoffMillis && sessions.remove(key(s.owner(), s.id()), s)) {
        gone.add(s);
      }
    }
    return gone;
  }

  @Override
  public synchronized byte[] secret(String name) throws IOException {
    if (secrets != null) {
      return secrets.secret(name);
    }
    byte[] kept = memorySecrets.get(name);
    if (kept == null) {
      kept = new byte[32];
      new SecureRandom().nextBytes(kept);
      memorySecrets.put(name, kept);
    }
    return kept;
  }

  @Override
  public void publish(String topic, String message) {
    for (Consumer<String> l : listeners.getOrDefault(topic, List.of())) {
      l.accept(message);
    }
  }

  @Override
  public AutoCloseable subscribe(String topic, Consumer<String> listener) {
    listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.getOrDefault(topic, List.of()).remove(listener);
  }

  @Override
  public void close() {
    sessions.clear();
    listeners.clear();
  }
}
