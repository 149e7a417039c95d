package dev.concierge.gateway.auth;

import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The form of an API key, whichever {@link KeyStore} keeps it: {@code cnc_<id>_<secret>}, where the 12-hex-digit id
 * finds the record in O(1) and is safe to show, and the secret carries 256 random bits. Stores keep the SHA-256 of the
 * whole key (with that much entropy a plain digest is as strong as the key; a slow password hash would only slow
 * every request).
 */
final class ApiKeys {
  static final String PREFIX = "cnc_";
  static final int ID_HEX = 12;
  /** The shortest id prefix that revokes a key. */
  private static final int MIN_PREFIX = 4;
  private static final int MAX_KEY = 256;

  private ApiKeys() {}

  static String newId() {
    return HexFormat.of().formatHex(Secrets.randomBytes(ID_HEX / 2));
  }

  static String newKey(String id) {
    return PREFIX + id + "_" + Secrets.randomToken(32);
  }

  /** The id a presented key carries, or {@code null} when it is not of the form at all. */
  static String idIn(String key) {
    if (key == null || key.length() > MAX_KEY || !key.startsWith(PREFIX) || key.length() < PREFIX.length() + ID_HEX + 2
        || key.charAt(PREFIX.length() + ID_HEX) != '_') {
      return null;
    }
    return key.substring(PREFIX.length(), PREFIX.length() + ID_HEX);
  }

  /** Whether {@code key} is the key whose digest is {@code digest}, in time independent of where they differ. */
  static boolean matches(String key, byte[] digest) {
    return MessageDigest.isEqual(digest, Secrets.sha256(key));
  }

  /** {@code 0a1b2c}, {@code cnc_0a1b2c...} or a whole key: the id part, lower-cased. */
  static String idOf(String idOrPrefix) {
    String s = Objects.requireNonNull(idOrPrefix, "id").strip().toLowerCase(Locale.ROOT);
    if (s.startsWith(PREFIX)) {
      s = s.substring(PREFIX.length());
      int end = s.indexOf('_');
      s = end < 0 ? s : s.substring(0, end);
    }
    return s;
  }

  /**
   * The one id among {@code ids} that starts with {@code prefix}, or {@code null} when none does or the prefix is too
   * short to revoke by.
   *
   * @throws IllegalArgumentException when several do
   */
  static String byPrefix(Collection<String> ids, String prefix) {
    if (prefix.length() < MIN_PREFIX) {
      return null;
    }
    List<String> matches = ids.stream().filter(id -> id.startsWith(prefix)).toList();
    if (matches.size() > 1) {
      throw new IllegalArgumentException("\"" + prefix + "\" is the start of " + matches.size() + " key ids: "
          + String.join(", ", matches));
    }
    return matches.isEmpty() ? null : matches.get(0);
  }

  /** A key needs someone to act for. */
  static void checkOwner(String tenant, String user) {
    if (tenant == null || tenant.isBlank() || user == null || user.isBlank()) {
      throw new IllegalArgumentException("a key needs a tenant and a user");
    }
  }
}
