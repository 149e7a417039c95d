package dev.concierge.context;

import java.util.Objects;

/**
 * Whose memories: a tenant and a user within it. Every store operation takes one, and no operation ever reaches
 * beyond it — the owner is applied inside the index query, never as a filter after it.
 */
public record Owner(String tenant, String user) {
  public Owner {
    if (tenant == null || tenant.isBlank() || user == null || user.isBlank()) {
      throw new IllegalArgumentException("an owner needs a tenant and a user");
    }
  }

  /** One key for tenant and user that cannot collide ({@code /} is escaped in both). */
  public String key() {
    return escape(tenant) + "/" + escape(user);
  }

  /** The owner a {@link #key()} was made from. */
  public static Owner fromKey(String key) {
    int cut = key.indexOf('/');
    if (cut < 0) {
      throw new IllegalArgumentException("not an owner key: " + key);
    }
    return new Owner(unescape(key.substring(0, cut)), unescape(key.substring(cut + 1)));
  }

  private static String unescape(String s) {
    return s.replace("%2F", "/").replace("%25", "%");
  }

  private static String escape(String s) {
    return s.replace("%", "%25").replace("/", "%2F");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Owner other && tenant.equals(other.tenant) && user.equals(other.user);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenant, user);
  }
}
