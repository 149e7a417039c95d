package dev.concierge.gateway.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who a request acts for. Every request the gateway serves has one: the local user in local mode, the key's owner
 * with API keys, the mapped claims of a JWT. Memories, sessions and tool views are keyed by {@link #key()}.
 *
 * @param tenant the tenant (organisation); {@code "local"} in local mode
 * @param user the user within the tenant
 * @param groups groups the user belongs to, for tool views
 */
public record Principal(String tenant, String user, Set<String> groups) {
  public Principal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }

  /** The one user of a gateway in local mode. */
  public static final Principal LOCAL = new Principal("local", "local", Set.of());

  /** A stable key: tenant and user, which can never collide ({@code /} is escaped in both). */
  public String key() {
    return escape(tenant) + "/" + escape(user);
  }

  private static String escape(String s) {
    return s.replace("%", "%25").replace("/", "%2F");
  }
}
