package dev.concierge.gateway.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** API keys: issued once in plaintext, kept only as digests, revocable. Implementations are thread-safe. */
public interface KeyStore {
  /** A key as listed: who it is for, never the key itself. */
  record KeyInfo(String id, String tenant, String user, Set<String> groups, String label, Instant created) {}

  /** A newly issued key: {@code key} is shown to the operator once and kept nowhere. */
  record Issued(KeyInfo info, String key) {}

  Issued add(String tenant, String user, Set<String> groups, String label) throws IOException;

  List<KeyInfo> list() throws IOException;

  /** Revokes the key with this id; {@code false} when there is none. */
  boolean revoke(String id) throws IOException;

  /** The principal a presented key belongs to, if it is a live key. */
  Optional<Principal> verify(String key);
}
