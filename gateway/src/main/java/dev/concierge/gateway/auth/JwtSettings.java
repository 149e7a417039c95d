package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.time.Duration;

/**
 * How {@code --auth jwt} checks tokens: where the signing keys are, which issuer and audience to require, and how
 * claims map to a principal. A claim name with dots ({@code realm_access.roles}) also reaches into nested objects
 * when no top-level claim has that exact name.
 *
 * @param jwksUri a JWKS file path, {@code file:} URI or {@code http(s)} URL
 * @param issuer the required {@code iss}, compared exactly
 * @param audience the required {@code aud} (this gateway's resource identifier); a token's array must contain it
 * @param tenantClaim the claim naming the tenant (default {@code tenant}); absent → {@code defaultTenant}
 * @param userClaim the claim naming the user (default {@code sub})
 * @param groupsClaim the claim listing groups (default {@code groups}; an array or a space-separated string)
 * @param defaultTenant the tenant of tokens without a tenant claim (default {@code default})
 * @param clockSkew tolerance on {@code exp}, {@code nbf} and {@code iat} (default 60 s)
 */
public record JwtSettings(String jwksUri, String issuer, String audience, String tenantClaim, String userClaim,
    String groupsClaim, String defaultTenant, Duration clockSkew) {
  public JwtSettings {
    if (blank(jwksUri) || blank(issuer) || blank(audience)) {
      throw new IllegalArgumentException("gateway.jwt needs \"jwks\", \"issuer\" and \"audience\"");
    }
    tenantClaim = blank(tenantClaim) ? "tenant" : tenantClaim;
    userClaim = blank(userClaim) ? "sub" : userClaim;
    groupsClaim = blank(groupsClaim) ? "groups" : groupsClaim;
    defaultTenant = blank(defaultTenant) ? "default" : defaultTenant;
    clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("gateway.jwt.clockSkewSeconds cannot be negative");
    }
  }

  /**
   * From the config's {@code gateway.jwt} object: {@code jwks} (or {@code jwksUri}), {@code issuer},
   * {@code audience}, {@code tenantClaim}, {@code userClaim}, {@code groupsClaim}, {@code defaultTenant},
   * {@code clockSkewSeconds}.
   */
  public static JwtSettings fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("--auth jwt needs a \"gateway\": {\"jwt\": {...}} section in the config");
    }
    JsonNode skew = node.get("clockSkewSeconds");
    if (skew != null && !skew.canConvertToLong()) {
      throw new IllegalArgumentException("gateway.jwt.clockSkewSeconds must be a whole number of seconds");
    }
    String jwks = Json.text(node, "jwks");
    return new JwtSettings(jwks != null ? jwks : Json.text(node, "jwksUri"), Json.text(node, "issuer"),
        Json.text(node, "audience"), Json.text(node, "tenantClaim"), Json.text(node, "userClaim"),
        Json.text(node, "groupsClaim"), Json.text(node, "defaultTenant"),
        skew == null ? null : Duration.ofSeconds(skew.asLong()));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
