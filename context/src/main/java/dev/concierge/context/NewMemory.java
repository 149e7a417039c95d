package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.time.Instant;
import java.util.Set;

/**
 * What {@link MemoryStore#remember} takes. {@link #validate} says what is wrong with it, before anything is written.
 *
 * @param scope {@code user} (default), {@code agent:<id>} or {@code session:<id>}
 * @param kind {@code fact} (default), {@code preference}, {@code episode} or {@code note}
 * @param createdAt when it happened ({@code null}: now) — imports and evaluations set it
 * @param expiresAt TTL as an instant, or {@code null}
 */
public record NewMemory(String text, String scope, String kind, ObjectNode metadata, Provenance provenance,
    Instant createdAt, Instant expiresAt) {
  /** The longest text a memory may hold (characters). */
  public static final int MAX_TEXT = 32_000;
  public static final Set<String> KINDS = Set.of("fact", "preference", "episode", "note");

  public NewMemory {
    scope = scope == null ? "user" : scope;
    kind = kind == null ? "fact" : kind;
    metadata = metadata == null ? Json.object() : metadata;
    provenance = provenance == null ? Provenance.NONE : provenance;
  }

  public static NewMemory of(String text) {
    return new NewMemory(text, null, null, null, null, null, null);
  }

  public NewMemory withKind(String value) {
    return new NewMemory(text, scope, value, metadata, provenance, createdAt, expiresAt);
  }

  public NewMemory withScope(String value) {
    return new NewMemory(text, value, kind, metadata, provenance, createdAt, expiresAt);
  }

  public NewMemory withMetadata(ObjectNode value) {
    return new NewMemory(text, scope, kind, value, provenance, createdAt, expiresAt);
  }

  public NewMemory withProvenance(Provenance value) {
    return new NewMemory(text, scope, kind, metadata, value, createdAt, expiresAt);
  }

  public NewMemory withCreatedAt(Instant value) {
    return new NewMemory(text, scope, kind, metadata, provenance, value, expiresAt);
  }

  public NewMemory withExpiresAt(Instant value) {
    return new NewMemory(text, scope, kind, metadata, provenance, createdAt, value);
  }

  /** @throws IllegalArgumentException naming the first problem */
  void validate() {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a memory needs text");
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("a memory's text is limited to " + MAX_TEXT + " characters, not "
          + text.length());
    }
    validateScope(scope);
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind must be one of " + KINDS + ", not '" + kind + "'");
    }
  }

  static void validateScope(String scope) {
    if (!scope.equals("user") && !scope.matches("(agent|session):[^\\s]{1,200}")) {
      throw new IllegalArgumentException("scope must be user, agent:<id> or session:<id>, not '" + scope + "'");
    }
  }
}
