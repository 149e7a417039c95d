package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.StateStore;
import dev.concierge.context.StateStore.SessionRecord;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.ProtocolVersion;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Legacy downstream sessions: their records live in the {@link StateStore}, so a request of a session may reach any
 * node; this node keeps a live copy of each session it has served (with the parts that belong to a connection: its
 * stream, requests in flight, questions). A session closed on one node is closed on all: the closing node publishes
 * it and every node drops its copy. Session ids are 128 random bits; a session is only found by the principal that
 * opened it (the owner is part of every lookup).
 */
final class SessionRegistry {
  static final String CLOSED_TOPIC = "session-closed";
  static final String CHANGED_TOPIC = "session-changed";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How stale a session's last-seen time in the store may get while it is in use here (expiry is 30 min). */
  private static final long TOUCH_EVERY_MILLIS = 10_000;

  private final Map<String, DownstreamSession> live = new ConcurrentHashMap<>();
  private final Map<String, Long> storedTouch = new ConcurrentHashMap<>();
  private final StateStore state;
  private final int maxPerPrincipal;
  private final long idleMillis;
  private final LongSupplier clock;

  /**
   * {@code closedElsewhere} ends this node's copy of a session another node closed; {@code changedElsewhere} is told
   * after a copy took in what another node changed (log level, subscriptions).
   */
  SessionRegistry(StateStore state, int maxPerPrincipal, long idleMillis, LongSupplier clock,
      Consumer<DownstreamSession> closedElsewhere, Consumer<DownstreamSession> changedElsewhere) {
    this.state = state;
    this.maxPerPrincipal = maxPerPrincipal;
    this.idleMillis = idleMillis;
    this.clock = clock;
    state.subscribe(CLOSED_TOPIC, id -> {
      DownstreamSession s = live.remove(id);
      if (s != null) {
        closedElsewhere.accept(s);
      }
    });
    state.subscribe(CHANGED_TOPIC, id -> {
      DownstreamSession s = live.get(id);
      if (s != null) {
        reload(s);
        changedElsewhere.accept(s);
      }
    });
  }

  /** Opens a session, or fails with {@code -32600} when the principal has too many. */
  DownstreamSession open(Principal principal, ClientInfo client) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    long now = clock.getAsLong();
    DownstreamSession session = new DownstreamSession(HexFormat.of().formatHex(bytes), principal, client, now);
    boolean stored;
    try {
      stored = state.createSession(new SessionRecord(principal.key(), session.id(), toJson(session), now),
          maxPerPrincipal);
    } catch (IOException e) {
      throw unavailable(e);
    }
    if (!stored) {
      throw new McpException(ErrorCodes.INVALID_REQUEST, "Too many open sessions for this user (limit "
          + maxPerPrincipal + "); close one with DELETE or let it expire");
    }
    live.put(session.id(), session);
    storedTouch.put(session.id(), now);
    return session;
  }

  /**
   * The principal's session with this id, touched; {@code null} when unknown, expired, closed or someone else's.
   * A session opened on another node is read from the store the first time it reaches this one.
   */
  DownstreamSession find(String id, Principal principal) {
    if (id == null) {
      return null;
    }
    DownstreamSession session = live.get(id);
    if (session == null) {
      session = load(id, principal);
      if (session == null) {
        return null;
      }
    }
    if (!session.principal().equals(principal)) {
      return null;
    }
    long now = clock.getAsLong();
    session.touch(now);
    if (now - storedTouch.getOrDefault(id, 0L) > TOUCH_EVERY_MILLIS) {
      storedTouch.put(id, now);
      try {
        state.touchSessions(List.of(id), now);
      } catch (IOException e) {
        throw unavailable(e);
      }
    }
    return session;
  }

  private DownstreamSession load(String id, Principal principal) {
    SessionRecord record;
    try {
      record = state.session(principal.key(), id).orElse(null);
    } catch (IOException e) {
      throw unavailable(e);
    }
    if (record == null) {
      return null;
    }
    DownstreamSession session = fromJson(id, record.data(), clock.getAsLong());
    DownstreamSession raced = live.putIfAbsent(id, session);
    storedTouch.put(id, clock.getAsLong());
    return raced != null ? raced : session;
  }

  /** Writes what the session's client changed (log level, subscriptions) and tells the other nodes. */
  void save(DownstreamSession session) {
    try {
      state.saveSession(session.principal().key(), session.id(), toJson(session), clock.getAsLong());
      state.publish(CHANGED_TOPIC, session.id());
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private void reload(DownstreamSession session) {
    try {
      state.session(session.principal().key(), session.id()).ifPresent(r -> {
        DownstreamSession fresh = fromJson(session.id(), r.data(), 0);
        session.logLevel(fresh.logLevel());
        session.subscriptions().retainAll(fresh.subscriptions());
        session.subscriptions().addAll(fresh.subscriptions());
      });
    } catch (IOException e) {
      // a later request reloads nothing either way: the copy keeps what it had until the store answers again
    }
  }

  /** Removes the session everywhere: its record, and every node's copy. */
  DownstreamSession remove(DownstreamSession session) {
    live.remove(session.id());
    storedTouch.remove(session.id());
    try {
      state.deleteSession(session.principal().key(), session.id());
      state.publish(CLOSED_TOPIC, session.id());
    } catch (IOException e) {
      throw unavailable(e);
    }
    return session;
  }

  /** This node's copy of a session, or {@code null}. */
  DownstreamSession live(String id) {
    return id == null ? null : live.get(id);
  }

  /** This node's copies. */
  Collection<DownstreamSession> all() {
    return live.values();
  }

  /**
   * Keeps the sessions this node is serving alive in the store, removes records idle past the limit (every node
   * closes its copy when told), and forgets copies this node has not used for that long.
   */
  void expire(Consumer<DownstreamSession> closer) {
    long now = clock.getAsLong();
    long cutoff = now - idleMillis;
    List<String> busy = new ArrayList<>();
    for (DownstreamSession s : live.values()) {
      if (!s.inFlight().isEmpty() || s.hasStream()) {
        busy.add(s.id());
      }
    }
    try {
      state.touchSessions(busy, now);
      for (SessionRecord gone : state.expireSessions(cutoff)) {
        state.publish(CLOSED_TOPIC, gone.id());
      }
    } catch (IOException e) {
      return; // the store is unavailable: try again at the next round
    }
    for (DownstreamSession s : live.values()) {
      if (s.lastSeenMillis() < cutoff && !busy.contains(s.id()) && live.remove(s.id(), s)) {
        storedTouch.remove(s.id());
      }
    }
  }

  // ---- the record: what any node needs to continue the session ----

  static ObjectNode toJson(DownstreamSession s) {
    ObjectNode json = Json.object().put("tenant", s.principal().tenant()).put("user", s.principal().user());
    s.principal().groups().stream().sorted().forEach(json.putArray("groups")::add);
    json.put("protocolVersion", s.client().version().id());
    json.set("capabilities", s.client().capabilities());
    json.set("clientInfo", s.client().implementation());
    if (s.logLevel() != null) {
      json.put("logLevel", s.logLevel());
    }
    ArrayNode subscriptions = json.putArray("subscriptions");
    s.subscriptions().stream().sorted().forEach(subscriptions::add);
    return json;
  }

  static DownstreamSession fromJson(String id, ObjectNode json, long nowMillis) {
    Set<String> groups = new HashSet<>();
    json.path("groups").forEach(g -> groups.add(g.asText()));
    Principal principal = new Principal(json.path("tenant").asText(), json.path("user").asText(), groups);
    ClientInfo client = new ClientInfo(ProtocolVersion.require(json.path("protocolVersion").asText()),
        Json.obj(json, "capabilities"), Json.obj(json, "clientInfo"));
    DownstreamSession session = new DownstreamSession(id, principal, client, nowMillis);
    JsonNode level = json.get("logLevel");
    if (level != null && level.isTextual()) {
      session.logLevel(level.asText());
    }
    json.path("subscriptions").forEach(u -> session.subscriptions().add(u.asText()));
    return session;
  }

  private static McpException unavailable(IOException e) {
    return new McpException(ErrorCodes.INTERNAL_ERROR, "the session store is unavailable; try again");
  }
}
