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
