package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One remembered thing, as stored. Immutable: an update makes a new version and closes this one ({@code validTo}).
 *
 * @param id unique id
 * @param owner whose it is
 * @param scope {@code user}, {@code agent:<id>} or {@code session:<id>}
 * @param kind {@code fact}, {@code preference}, {@code episode} or {@code note}
 * @param text what to remember
 * @param metadata free JSON (never {@code null})
 * @param provenance where it came from
 * @param createdAt when it was first remembered (a version keeps its original's)
 * @param validFrom when this version became current
 * @param validTo when a newer version replaced it, or {@code null} while current
 * @param expiresAt when it expires (TTL), or {@code null}
 * @param supersedes the id of the version this one replaced, or {@code null}
 * @param context what surrounded it where it came from, or {@code null}: it helps recall find the memory but is not
 *     part of what is remembered (see {@link NewMemory})
 */
public record Memory(String id, Owner owner, String scope, String kind, String text, ObjectNode metadata,
    Provenance provenance, Instant createdAt, Instant validFrom, Instant validTo, Instant expiresAt,
    String supersedes, String context) {

  public boolean current() {
    return validTo == null;
  }
}
