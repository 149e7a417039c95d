package dev.concierge.gateway.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection (2025-11-25 transports, "Security Warning"): a browser tricked into sending requests to
 * the gateway carries a foreign {@code Origin}, or a {@code Host} naming the attacker's domain. Requests whose
 * {@code Host} is not one the gateway answers to, or whose {@code Origin} is not allowed, are refused with 403.
 *
 * @param hosts host names (without port) the gateway answers to; empty means any (only when configured so)
 * @param origins allowed {@code Origin} values ({@code scheme://host[:port]}); requests without {@code Origin}
 *     (non-browser clients) pass
 */
record AccessGuard(Set<String> hosts, Set<String> origins) {
  /** The loopback names, for a gateway bound to a loopback address. */
  static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  /** Why the request is refused, or {@code null}. */
  String check(String host, String origin) {
    if (!hosts.isEmpty()) {
      String name = hostName(host);
      if (name == null || !hosts.contains(name)) {
        return "Forbidden: Host header not allowed";
      }
    }
    if (origin != null && ("null".equals(origin) || !originAllowed(origin))) {
      return "Forbidden: Origin not allowed";
    }
    return null;
  }

  private boolean originAllowed(String origin) {
    if (origins.contains(origin.toLowerCase(Locale.ROOT))) {
      return true;
    }
    try {
      URI uri = URI.create(origin);
      String name = uri.getHost();
      // A page served by the gateway's own host names (e.g. the Inspector on localhost) is same-site.
      return name != null && hosts.contains(name.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The host name of a {@code Host} header value, lower-case, without port. */
  static String hostName(String host) {
    if (host == null || host.isBlank()) {
      return null;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? null : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
