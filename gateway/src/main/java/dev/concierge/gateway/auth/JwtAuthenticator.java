package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code --auth jwt}: bearer JWTs signed RS256 or ES256 by a key of the configured JWKS, for this gateway's audience,
 * from the configured issuer, within their validity. {@code alg: none} and HMAC algorithms are refused (a public
 * key must never double as an HMAC secret). Claims map to tenant, user and groups per {@link JwtSettings}.
 */
public final class JwtAuthenticator implements Authenticator {
  private final JwtSettings settings;
  private final Jwks jwks;
  private final LongSupplier clock;

  public JwtAuthenticator(JwtSettings settings) {
    this(settings, System::currentTimeMillis);
  }

  JwtAuthenticator(JwtSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
    this.jwks = new Jwks(settings.jwks(), clock);
  }

  @Override
  public Principal authenticate(String authorization) throws AuthException {
    String token = Bearer.token(authorization);
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("the token is not a JWS compact serialization");
    }
    JsonNode header = decode(parts[0]);
    JsonNode claims = decode(parts[1]);
    String alg = Json.text(header, "alg");
    if (!"RS256".equals(alg) && !"ES256".equals(alg)) {
      throw invalid("token algorithm " + alg + " is not accepted (RS256 or ES256)");
    }
    Jwks.Key key = jwks.find(Json.text(header, "kid"), alg);
    if (key == null) {
      throw invalid("no key of the JWKS matches the token's kid");
    }
    if (!verify(alg, key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), parts[2])) {
      throw invalid("signature invalid");
    }
    checkTimes(claims);
    if (!settings.issuer().equals(Json.text(claims, "iss"))) {
      throw invalid("token issuer does not match");
    }
    if (!audienceMatches(claims.get("aud"))) {
      throw invalid("token audience does not match");
    }
    String user = Json.text(claims, settings.userClaim());
    if (user == null || user.isBlank()) {
      throw invalid("token has no " + settings.userClaim() + " claim");
    }
    String tenant = Json.text(claims, settings.tenantClaim());
    return new Principal(tenant == null || tenant.isBlank() ? settings.defaultTenant() : tenant, user,
        groups(claims.get(settings.groupsClaim())));
  }

  private void checkTimes(JsonNode claims) throws AuthException {
    long now = clock.getAsLong() / 1000;
    long skew = settings.clockSkew().toSeconds();
    JsonNode exp = claims.get("exp");
    if (exp == null || !exp.isNumber()) {
      throw invalid("token has no exp claim");
    }
    if (now > exp.asLong() + skew) {
      throw invalid("token expired");
    }
    JsonNode nbf = claims.get("nbf");
    if (nbf != null && nbf.isNumber() && now + skew < nbf.asLong()) {
      throw invalid("token is not valid yet");
    }
  }

  private boolean audienceMatches(JsonNode aud) {
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return settings.audience().equals(aud.asText());
    }
    for (JsonNode a : aud) {
      if (settings.audience().equals(a.asText())) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> groups(JsonNode node) {
    Set<String> out = new HashSet<>();
    if (node == null) {
      return out;
    }
    if (node.isTextual()) {
      for (String g : node.asText().split("\\s+")) {
        if (!g.isEmpty()) {
          out.add(g);
        }
      }
    } else {
      node.forEach(g -> out.add(g.asText()));
    }
    return out;
  }

  private static boolean verify(String alg, Jwks.Key key, byte[] signed, String signature) throws AuthException {
    try {
      byte[] sig = Base64.getUrlDecoder().decode(signature);
      Signature verifier = Signature.getInstance("RS256".equals(alg) ? "SHA256withRSA" : "SHA256withECDSA");
      verifier.initVerify(key.key());
      verifier.update(signed);
      return verifier.verify("RS256".equals(alg) ? sig : derOf(sig));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** JWS carries an ES256 signature as R‖S (32 bytes each); the JDK verifies the DER form. */
  static byte[] derOf(byte[] raw) throws AuthException {
    if (raw.length != 64) {
      throw invalid("signature invalid");
    }
    byte[] r = integer(raw, 0);
    byte[] s = integer(raw, 32);
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  private static byte[] integer(byte[] raw, int offset) {
    int start = offset;
    while (start < offset + 31 && raw[start] == 0) {
      start++;
    }
    boolean pad = (raw[start] & 0x80) != 0;
    int len = offset + 32 - start + (pad ? 1 : 0);
    byte[] out = new byte[2 + len];
    out[0] = 0x02;
    out[1] = (byte) len;
    System.arraycopy(raw, start, out, 2 + (pad ? 1 : 0), offset + 32 - start);
    return out;
  }

  private static JsonNode decode(String part) throws AuthException {
    try {
      JsonNode node = Json.parse(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
      if (!node.isObject()) {
        throw invalid("the token is malformed");
      }
      return node;
    } catch (IllegalArgumentException | dev.concierge.protocol.McpException e) {
      throw invalid("the token is malformed");
    }
  }

  private static AuthException invalid(String message) {
    return new AuthException(401, "invalid_token", message);
  }
}
