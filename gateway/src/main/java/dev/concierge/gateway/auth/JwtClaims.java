package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The claim checks of a JWT whose signature is already verified (RFC 7519 §4.1): {@code exp} required, {@code nbf}
 * and {@code iat} honoured, all with the configured clock skew; {@code iss} exact; {@code aud} a string or an array
 * containing ours. Then the mapping to a {@link Principal}. A claim of the wrong type is refused rather than ignored:
 * groups decide tool views, so a garbled groups claim must not quietly become "no groups".
 */
final class JwtClaims {
  private JwtClaims() {}

  static Principal principal(JsonNode claims, JwtSettings settings, long nowSeconds) throws AuthException {
    long skew = settings.clockSkew().toSeconds();
    Long exp = numericDate(claims, "exp");
    if (exp == null) {
      throw JwtAuthenticator.invalid("token has no exp claim");
    }
    if (nowSeconds >= exp + skew) {
      throw JwtAuthenticator.invalid("token expired");
    }
    Long nbf = numericDate(claims, "nbf");
    if (nbf != null && nowSeconds + skew < nbf) {
      throw JwtAuthenticator.invalid("token is not valid yet");
    }
    Long iat = numericDate(claims, "iat");
    if (iat != null && nowSeconds + skew < iat) {
      throw JwtAuthenticator.invalid("token was issued in the future");
    }
    JsonNode iss = claims.get("iss");
    if (iss == null || !iss.isTextual() || !iss.asText().equals(settings.issuer())) {
      throw JwtAuthenticator.invalid("token issuer does not match");
    }
    if (!audienceMatches(claims.get("aud"), settings.audience())) {
      throw JwtAuthenticator.invalid("token audience does not match");
    }
    JsonNode user = claim(claims, settings.userClaim());
    if (user == null || !user.isTextual() || user.asText().isBlank()) {
      throw JwtAuthenticator.invalid("token has no usable " + settings.userClaim() + " claim");
    }
    JsonNode tenant = claim(claims, settings.tenantClaim());
    if (tenant != null && (!tenant.isTextual() || tenant.asText().isBlank())) {
      throw JwtAuthenticator.invalid("token has an invalid " + settings.tenantClaim() + " claim");
    }
    return new Principal(tenant == null ? settings.defaultTenant() : tenant.asText(), user.asText(),
        groups(claim(claims, settings.groupsClaim()), settings.groupsClaim()));
  }

  /**
   * The claim {@code name}, or, when there is none and the name has dots, the nested value it is a path to; JSON
   * {@code null} counts as absent.
   */
  static JsonNode claim(JsonNode claims, String name) {
    JsonNode node = claims.get(name);
    if (node == null && name.indexOf('.') > 0) {
      node = claims;
      for (String step : name.split("\\.")) {
        node = node.isObject() ? node.get(step) : null;
        if (node == null) {
          break;
        }
      }
    }
    return node == null || node.isNull() ? null : node;
  }

  /** A NumericDate (seconds, possibly fractional), {@code null} when absent. */
  private static Long numericDate(JsonNode claims, String name) throws AuthException {
    JsonNode node = claims.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw JwtAuthenticator.invalid("token has an invalid " + name + " claim");
    }
    return node.isIntegralNumber() ? node.asLong() : (long) Math.floor(node.asDouble());
  }

  private static boolean audienceMatches(JsonNode aud, String audience) {
    if (aud != null && aud.isTextual()) {
      return aud.asText().equals(audience);
    }
    if (aud != null && aud.isArray()) {
      for (JsonNode a : aud) {
        if (a.isTextual() && a.asText().equals(audience)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<String> groups(JsonNode node, String name) throws AuthException {
    Set<String> out = new HashSet<>();
    if (node == null) {
      return out;
    }
    if (node.isTextual()) {
      for (String g : node.asText().trim().split("\\s+")) {
        if (!g.isEmpty()) {
          out.add(g);
        }
      }
      return out;
    }
    if (!node.isArray()) {
      throw JwtAuthenticator.invalid("token has an invalid " + name + " claim");
    }
    for (JsonNode g : node) {
      if (!g.isTextual()) {
        throw JwtAuthenticator.invalid("token has an invalid " + name + " claim");
      }
      out.add(g.asText());
    }
    return out;
  }
}
