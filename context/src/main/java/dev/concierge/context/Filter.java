package dev.concierge.context;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Narrows recall, list and forget to some of an owner's memories. Every part is optional ({@code null} or empty: no
 * restriction); all given parts must hold.
 *
 * @param scopes allowed scopes
 * @param kinds allowed kinds
 * @param from created at or after
 * @param to created before
 * @param metadata metadata fields that must equal these values (top-level fields, compared as text)
 * @param server provenance server
 * @param includeHistory also versions that a newer one replaced
 */
public record Filter(Set<String> scopes, Set<String> kinds, Instant from, Instant to, Map<String, String> metadata,
    String server, boolean includeHistory) {
  public static final Filter NONE = new Filter(null, null, null, null, null, null, false);

  public Filter {
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** As {@link #validate}, and the query and {@code k} of a recall under this filter. */
  void validateRecall(String query, int k) {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("recall needs a query");
    }
    if (k < 1 || k > 1000) {
      throw new IllegalArgumentException("k must be between 1 and 1000, not " + k);
    }
    validate();
  }

  void validate() {
    scopes.forEach(NewMemory::validateScope);
    for (String k : kinds) {
      if (!NewMemory.KINDS.contains(k)) {
        throw new IllegalArgumentException("kind must be one of " + NewMemory.KINDS + ", not '" + k + "'");
      }
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("the time range is empty: from must be before to");
    }
    for (String field : metadata.keySet()) {
      if (!field.matches("[A-Za-z0-9_.-]{1,100}")) {
        throw new IllegalArgumentException("metadata filter field '" + field + "' is not a plain field name");
      }
    }
  }
}
