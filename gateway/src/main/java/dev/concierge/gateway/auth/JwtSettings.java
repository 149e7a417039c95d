package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.time.Duration;

/**
 * How {@code --auth jwt} checks tokens: where the signing keys are, which issuer and audience to require, and how
 * claims map to a principal.
 *
 * @param jwks a JWKS file path or {@code http(s)} URL
 * @param issuer the required {@code iss}
 * @param audience the required {@code aud} (this gateway's resource identifier)
 * @param tenantClaim the claim naming the tenant (default {@code tenant}); absent → {@code defaultTenant}
 * @param userClaim the claim naming the user (default {@code sub})
 * @param groupsClaim the claim listing groups (default {@code groups}; an array or a space-separated string)
 * @param defaultTenant the tenant of tokens without a tenant claim (default {@code default})
 * @param clockSkew tolerance on {@code exp}/{@code nbf} (default 60 s)
 */
public record JwtSettings(String jwks, String issuer, String audience, String tenantClaim, String userClaim,
    String groupsClaim, String defaultTenant, Duration clockSkew) {
  public JwtSettings {
    if (jwks == null || issuer == null || audience == null) {
      throw new IllegalArgumentException("gateway.jwt needs \"jwks\", \"issuer\" and \"audience\"");
    }
    tenantClaim = tenantClaim == null ? "tenant" : tenantClaim;
    userClaim = userClaim == null ? "sub" : userClaim;
    groupsClaim = groupsClaim == null ? "groups" : groupsClaim;
    defaultTenant = defaultTenant == null ? "default" : defaultTenant;
    clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
  }

  /** From the config's {@code gateway.jwt} object. */
  public static JwtSettings fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("--auth jwt needs a \"gateway\": {\"jwt\": {...}} section in the config");
    }
    JsonNode skew = node.get("clockSkewSeconds");
    return new JwtSettings(Json.text(node, "jwks"), Json.text(node, "issuer"), Json.text(node, "audience"),
        Json.text(node, "tenantClaim"), Json.text(node, "userClaim"), Json.text(node, "groupsClaim"),
        Json.text(node, "defaultTenant"), skew == null ? null : Duration.ofSeconds(skew.asLong()));
  }
}
