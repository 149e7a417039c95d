package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The gateway's state in PostgreSQL, shared by every node on the database: sessions, API keys and secrets are rows
 * (schema in {@code postgres-v2.sql} and {@code postgres-v3.sql}); messages between nodes go through LISTEN/NOTIFY
 * on one channel per schema, heard by a connection of their own on a daemon thread. A notification is a hint, never
 * the record: whatever must survive is written to a table first, and a node that missed a message (its listening
 * connection broke) reads the table.
 */
public final class PostgresStateStore implements StateStore {
  private static final System.Logger LOG = System.getLogger(PostgresStateStore.class.getName());
  private static final char SEPARATOR = '\n';
  /** Under NOTIFY's 8000-byte payload limit even if every character took three bytes in UTF-8. */
  private static final int MAX_NOTIFY_CHARS = 2600;
  /** A notice for a message kept in a row: this prefix and the row's id (a topic never starts with it). */
  private static final String STORED = "@";
  private final java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong();

  private final String url;
  private final PostgresDatabase db;
  private final String channel;
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
  private final Thread listener;
  private volatile boolean closed;

  public static PostgresStateStore open(String jdbcUrl) throws IOException {
    return new PostgresStateStore(jdbcUrl);
  }

  private PostgresStateStore(String jdbcUrl) throws IOException {
    this.url = jdbcUrl;
    this.db = new PostgresDatabase(jdbcUrl, "concierge-state", 6);
    try {
      // NOTIFY reaches the whole database: the schema in the name keeps two deployments in one apart
      this.channel = "\"concierge bus " + db.work(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
          rs.next();
          return rs.getString(1).replace("\"", "");
        }
      }) + "\"";
    } catch (IOException e) {
      db.close();
      throw e;
    }
    this.listener = new Thread(this::listen, "concierge-state-listener");
    listener.setDaemon(true);
    listener.start();
  }

  @Override
  public boolean createSession(SessionRecord session, int maxPerOwner) throws IOException {
    return db.transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, session.owner());
        lock.execute();
      }
      try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM concierge_sessions WHERE owner = ?")) {
        count.setString(1, session.owner());
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= maxPerOwner) {
            return false;
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO concierge_sessions (owner, id, data, last_seen) VALUES (?, ?, ?::jsonb, ?)")) {
        st.setString(1, session.owner());
        st.setString(2, session.id());
        st.setString(3, Json.write(session.data()));
        st.setObject(4, PostgresRows.time(Instant.ofEpochMilli(session.lastSeenMillis())));
        st.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Optional<SessionRecord> session(String owner, String id) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT data, last_seen FROM concierge_sessions WHERE owner = ? AND id = ?")) {
        st.setString(1, owner);
        st.setString(2, id);
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new SessionRecord(owner, id, (ObjectNode) Json.parse(rs.getString(1)),
              rs.getObject(2, java.time.OffsetDateTime.class).toInstant().toEpochMilli()));
        }
      }
    });
  }

  @Override
  public boolean saveSession(String owner, String id, ObjectNode data, long nowMillis) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE concierge_sessions SET data = ?::jsonb, last_seen = ? WHERE owner = ? AND id = ?")) {
        st.setString(1, Json.write(data));
        st.setObject(2, PostgresRows.time(Instant.ofEpochMilli(nowMillis)));
        st.setString(3, owner);
        st.setString(4, id);
        return st.executeUpdate() > 0;
      }
    });
  }

  @Override
  public void touchSessions(List<String> ids, long nowMillis) throws IOException {
    if (ids.isEmpty()) {
      return;
    }
    db.work(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE concierge_sessions SET last_seen = greatest(last_seen, ?) WHERE id = ANY (?)")) {
        st.setObject(1, PostgresRows.time(Instant.ofEpochMilli(nowMillis)));
        st.setArray(2, c.createArrayOf("text", ids.toArray()));
        return st.executeUpdate();
      }
    });
  }

  @Override
  public boolean deleteSession(String owner, String id) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "DELETE FROM concierge_session_events WHERE owner = ? AND session = ?")) {
        st.setString(1, owner);
        st.setString(2, id);
        st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement("DELETE FROM concierge_sessions WHERE owner = ? AND id = ?")) {
        st.setString(1, owner);
        st.setString(2, id);
        return st.executeUpdate() > 0;
      }
    });
  }

  @Override
  public List<SessionRecord> expireSessions(long cutoffMillis) throws IOException {
    return db.work(c -> {
      List<SessionRecord> gone = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(
          "DELETE FROM concierge_sessions WHERE last_seen < ? RETURNING owner, id, data")) {
        st.setObject(1, PostgresRows.time(Instant.ofEpochMilli(cutoffMillis)));
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            gone.add(new SessionRecord(rs.getString(1), rs.getString(2), (ObjectNode) Json.parse(rs.getString(3)),
                cutoffMillis));
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement("DELETE FROM concierge_session_events WHERE created < ? "
          + "OR (owner, session) NOT IN (SELECT owner, id FROM concierge_sessions)")) {
        st.setObject(1, PostgresRows.time(Instant.ofEpochMilli(System.currentTimeMillis() - 3_600_000)));
        st.executeUpdate();
      }
      return gone;
    });
  }

  @Override
  public long appendEvent(String owner, String session, String body) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO concierge_session_events (owner, session, body) "
          + "VALUES (?, ?, ?) RETURNING seq")) {
        st.setString(1, owner);
        st.setString(2, session);
        st.setString(3, body);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public List<SessionEvent> eventsAfter(String owner, String session, long after, int limit) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT seq, body FROM concierge_session_events "
          + "WHERE owner = ? AND session = ? AND seq > ? ORDER BY seq LIMIT ?")) {
        st.setString(1, owner);
        st.setString(2, session);
        st.setLong(3, after);
        st.setInt(4, limit);
        List<SessionEvent> events = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            events.add(new SessionEvent(rs.getLong(1), rs.getString(2)));
          }
        }
        return events;
      }
    });
  }

  @Override
  public boolean addKey(KeyRecord key) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO concierge_api_keys (id, digest, data) "
          + "VALUES (?, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING")) {
        st.setString(1, key.id());
        st.setBytes(2, key.digest());
        st.setString(3, Json.write(key.data()));
        return st.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Optional<KeyRecord> key(String id) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT id, digest, data FROM concierge_api_keys WHERE id = ?")) {
        st.setString(1, id);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(keyRecord(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<KeyRecord> keys() throws IOException {
    return db.work(c -> {
      List<KeyRecord> keys = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, digest, data FROM concierge_api_keys ORDER BY created, id")) {
        while (rs.next()) {
          keys.add(keyRecord(rs));
        }
      }
      return keys;
    });
  }

  private static KeyRecord keyRecord(ResultSet rs) throws SQLException {
    return new KeyRecord(rs.getString(1), rs.getBytes(2), (ObjectNode) Json.parse(rs.getString(3)));
  }

  @Override
  public boolean deleteKey(String id) throws IOException {
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM concierge_api_keys WHERE id = ?")) {
        st.setString(1, id);
        return st.executeUpdate() > 0;
      }
    });
  }

  @Override
  public byte[] secret(String name) throws IOException {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    return db.work(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO concierge_secrets (name, value) VALUES (?, ?) "
          + "ON CONFLICT (name) DO NOTHING")) {
        st.setString(1, name);
        st.setBytes(2, fresh);
        st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement("SELECT value FROM concierge_secrets WHERE name = ?")) {
        st.setString(1, name);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          return rs.getBytes(1);
        }
      }
    });
  }

  @Override
  public void publish(String topic, String message) throws IOException {
    String payload = topic + SEPARATOR + message;
    db.work(c -> {
      String notice = payload;
      if (payload.length() > MAX_NOTIFY_CHARS) { // NOTIFY carries at most 8000 bytes: the body goes in a row
        try (PreparedStatement st = c.prepareStatement(
            "INSERT INTO concierge_messages (body) VALUES (?) RETURNING id")) {
          st.setString(1, payload);
          try (ResultSet rs = st.executeQuery()) {
            rs.next();
            notice = STORED + rs.getLong(1);
          }
        }
        if (published.incrementAndGet() % 100 == 0) {
          try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM concierge_messages WHERE created < now() - interval '10 minutes'");
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        st.setString(1, channel.substring(1, channel.length() - 1));
        st.setString(2, notice);
        st.execute();
      }
      return null;
    });
  }

  /** The body of a message kept in {@code concierge_messages}, or {@code null} when it is gone. */
  private String stored(long id) {
    try {
      return db.work(c -> {
        try (PreparedStatement st = c.prepareStatement("SELECT body FROM concierge_messages WHERE id = ?")) {
          st.setLong(1, id);
          try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
          }
        }
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not read a message from another node: " + e.getMessage());
      return null;
    }
  }

  @Override
  public AutoCloseable subscribe(String topic, Consumer<String> listener) {
    listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.getOrDefault(topic, List.of()).remove(listener);
  }

  /** Holds a connection that LISTENs, reconnecting after a failure, until the store closes. */
  private void listen() {
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("LISTEN " + channel);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(500);
          if (notes != null) {
            for (PGNotification n : notes) {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "listening for other nodes failed, retrying: " + e.getMessage());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  private void deliver(String notice) {
    String payload = notice.startsWith(STORED) ? stored(Long.parseLong(notice.substring(STORED.length())))
        : notice;
    if (payload == null) {
      return;
    }
    int cut = payload.indexOf(SEPARATOR);
    if (cut < 0) {
      return;
    }
    for (Consumer<String> l : listeners.getOrDefault(payload.substring(0, cut), List.of())) {
      try {
        l.accept(payload.substring(cut + 1));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a listener failed: " + e);
      }
    }
  }

  @Override
  public void check() throws IOException {
    db.work(c -> c.isValid(2));
  }

  @Override
  public void close() {
    closed = true;
    listener.interrupt();
    db.close();
    listeners.clear();
  }
}
