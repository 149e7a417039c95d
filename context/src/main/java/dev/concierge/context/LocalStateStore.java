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
 * and messages delivered in-process. API keys are kept in memory too: a single gateway keeps its keys in a file of its
 * data directory ({@code FileKeyStore}), so these serve tests and embedding.
 */
public final class LocalStateStore implements StateStore {
  /** Where a process keeps named secrets across restarts (the gateway: owner-only files in its data directory). */
  public interface SecretKeeper {
    byte[] secret(String name) throws IOException;
  }

  private final SecretKeeper secrets;
  private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();
  /** Events kept per session for resumption: the most recent ones. */
  static final int MAX_EVENTS = 1024;
  private final Map<String, java.util.Deque<SessionEvent>> events = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
  /** In insertion order, as {@link #keys()} promises; a single process keeps its keys in a file instead. */
  private final Map<String, KeyRecord> apiKeys = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

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
    events.remove(key(owner, id));
    return sessions.remove(key(owner, id)) != null;
  }

  @Override
  public List<SessionRecord> expireSessions(long cutoffMillis) {
    List<SessionRecord> gone = new ArrayList<>();
    for (SessionRecord s : sessions.values()) {
      if (s.lastSeenMillis() < cutoffMillis && sessions.remove(key(s.owner(), s.id()), s)) {
        events.remove(key(s.owner(), s.id()));
        gone.add(s);
      }
    }
    return gone;
  }

  @Override
  public long appendEvent(String owner, String session, String body) {
    java.util.Deque<SessionEvent> log = events.computeIfAbsent(key(owner, session), k -> new java.util.ArrayDeque<>());
    synchronized (log) {
      long seq = log.isEmpty() ? 1 : log.peekLast().seq() + 1;
      log.add(new SessionEvent(seq, body));
      while (log.size() > MAX_EVENTS) {
        log.poll();
      }
      return seq;
    }
  }

  @Override
  public List<SessionEvent> eventsAfter(String owner, String session, long after, int limit) {
    java.util.Deque<SessionEvent> log = events.get(key(owner, session));
    if (log == null) {
      return List.of();
    }
    synchronized (log) {
      return log.stream().filter(e -> e.seq() > after).limit(limit).toList();
    }
  }

  @Override
  public boolean addKey(KeyRecord key) {
    return apiKeys.putIfAbsent(key.id(), key) == null;
  }

  @Override
  public Optional<KeyRecord> key(String id) {
    return Optional.ofNullable(apiKeys.get(id));
  }

  @Override
  public List<KeyRecord> keys() {
    synchronized (apiKeys) { // a synchronized map's views are iterated under its lock
      return List.copyOf(apiKeys.values());
    }
  }

  @Override
  public boolean deleteKey(String id) {
    return apiKeys.remove(id) != null;
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
    events.clear();
    listeners.clear();
    apiKeys.clear();
  }
}
