package dev.concierge.gateway.mcp;

import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The legacy downstream sessions of this node, with the per-principal cap and idle expiry. Session ids are 128 random
 * bits, so knowing one id tells nothing about another; a session is only ever served to the principal that opened it.
 */
final class SessionRegistry {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, DownstreamSession> sessions = new ConcurrentHashMap<>();
  private final int maxPerPrincipal;
  private final long idleMillis;
  private final LongSupplier clock;

  SessionRegistry(int maxPerPrincipal, long idleMillis, LongSupplier clock) {
    this.maxPerPrincipal = maxPerPrincipal;
    this.idleMillis = idleMillis;
    this.clock = clock;
  }

  /** Opens a session, or fails with {@code -32600} when the principal has too many. */
  synchronized DownstreamSession open(Principal principal, ClientInfo client) {
    long open = sessions.values().stream().filter(s -> s.principal().equals(principal)).count();
    if (open >= maxPerPrincipal) {
      throw new McpException(ErrorCodes.INVALID_REQUEST, "Too many open sessions for this user (limit "
          + maxPerPrincipal + "); close one with DELETE or let it expire");
    }
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    DownstreamSession session = new DownstreamSession(HexFormat.of().formatHex(bytes), principal, client,
        clock.getAsLong());
    sessions.put(session.id(), session);
    return session;
  }

  /** The principal's session with this id, touched; {@code null} when unknown, expired or someone else's. */
  DownstreamSession find(String id, Principal principal) {
    DownstreamSession session = id == null ? null : sessions.get(id);
    if (session == null || !session.principal().equals(principal)) {
      return null;
    }
    session.touch(clock.getAsLong());
    return session;
  }

  boolean contains(String id) {
    return sessions.containsKey(id);
  }

  DownstreamSession remove(String id) {
    return sessions.remove(id);
  }

  Collection<DownstreamSession> all() {
    return sessions.values();
  }

  /** Removes sessions idle for longer than the limit and hands each to {@code closer}. */
  void expire(Consumer<DownstreamSession> closer) {
    long cutoff = clock.getAsLong() - idleMillis;
    for (DownstreamSession session : sessions.values()) {
      if (session.lastSeenMillis() < cutoff && session.inFlight().isEmpty() && !session.hasStream()
          && sessions.remove(session.id()) != null) {
        closer.accept(session);
      }
    }
  }
}
