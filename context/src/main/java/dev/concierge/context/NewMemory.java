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
 * @param context what surrounded the memory where it came from (say, the turns of a conversation around the one
 *     remembered), or {@code null}: it helps recall find the memory — its words count for the lexical ranking, and
 *     the memory is embedded both alone and with it — but is not part of it: a recalled memory's text is its text
 *     alone, and the context comes back beside it ({@link Memory#context}). Blank means none
 */
public record NewMemory(String text, String scope, String kind, ObjectNode metadata, Provenance provenance,
    Instant createdAt, Instant expiresAt, String context) {
  /** The longest text a memory may hold (characters). */
  public static final int MAX_TEXT = 32_000;
  /** The longest context a memory may have (characters): a few pages, as much as the text. */
  public static final int MAX_CONTEXT = 32_000;
  public static final Set<String> KINDS = Set.of("fact", "preference", "episode", "note");

  public NewMemory {
    scope = scope == null ? "user" : scope;
    kind = kind == null ? "fact" : kind;
    metadata = metadata == null ? Json.object() : metadata;
    provenance = provenance == null ? Provenance.NONE : provenance;
    context = context == null || context.isBlank() ? null : context; // nothing to find the memory by: none
  }

  /** Without context. */
  public NewMemory(String text, String scope, String kind, ObjectNode metadata, Provenance provenance,
      Instant createdAt, Instant expiresAt) {
    this(text, scope, kind, metadata, provenance, createdAt, expiresAt, null);
  }

  public static NewMemory of(String text) {
    return new NewMemory(text, null, null, null, null, null, null);
  }

  public NewMemory withContext(String value) {
    return new NewMemory(text, scope, kind, metadata, provenance, createdAt, expiresAt, value);
  }

  public NewMemory withKind(String value) {
    return new NewMemory(text, scope, value, metadata, provenance, createdAt, expiresAt, context);
  }

  public NewMemory withScope(String value) {
    return new NewMemory(text, value, kind, metadata, provenance, createdAt, expiresAt, context);
  }

  public NewMemory withMetadata(ObjectNode value) {
    return new NewMemory(text, scope, kind, value, provenance, createdAt, expiresAt, context);
  }

  public NewMemory withProvenance(Provenance value) {
    return new NewMemory(text, scope, kind, metadata, value, createdAt, expiresAt, context);
  }

  public NewMemory withCreatedAt(Instant value) {
    return new NewMemory(text, scope, kind, metadata, provenance, value, expiresAt, context);
  }

  public NewMemory withExpiresAt(Instant value) {
    return new NewMemory(text, scope, kind, metadata, provenance, createdAt, value, context);
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
    if (context != null && context.length() > MAX_CONTEXT) {
      throw new IllegalArgumentException("a memory's context is limited to " + MAX_CONTEXT + " characters, not "
          + context.length());
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
