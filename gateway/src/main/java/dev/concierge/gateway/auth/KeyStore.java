package dev.concierge.gateway.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * API keys: issued once in plaintext, kept only as digests, revocable. An interface so that a database-backed store
 * can replace {@link FileKeyStore} without touching {@link ApiKeyAuthenticator} or the CLI. Implementations are
 * thread-safe, and {@link #verify} is on every request's path, so it must be cheap.
 */
public interface KeyStore {
  /** A key as listed: who it is for, never the key itself nor its digest. */
  record KeyInfo(String id, String tenant, String user, Set<String> groups, String label, Instant created) {}

  /** A newly issued key: {@code key} is shown to the operator once and kept nowhere. */
  record Issued(KeyInfo info, String key) {}

  /**
   * Issues a key for a principal.
   *
   * @param label what the key is for (shown by {@link #list}), or {@code null}
   */
  Issued add(String tenant, String user, Set<String> groups, String label) throws IOException;

  /** The live keys, oldest first. */
  List<KeyInfo> list() throws IOException;

  /**
   * Revokes a key.
   *
   * @param idOrPrefix the key's id, a unique prefix of it, or the key itself
   * @return {@code false} when no key matches
   * @throws IllegalArgumentException when a prefix matches more than one key
   */
  boolean revoke(String idOrPrefix) throws IOException;

  /** The principal a presented key belongs to, if it is a live key. */
  Optional<Principal> verify(String key);
}
