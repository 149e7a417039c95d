package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

/**
 * {@code --auth jwt}: bearer JWTs (RFC 7519) signed RS256 or ES256 by a key of the configured JWKS, from the
 * configured issuer, for this gateway's audience, within their validity. The algorithm is checked against an
 * allow-list before anything else: {@code alg: none} would skip the signature and HMAC ({@code HS256}) would turn the
 * public key into a shared secret anyone can sign with. Claims map to tenant, user and groups per
 * {@link JwtSettings} (see {@link JwtClaims}). Refusals are 401 {@code invalid_token} with a fixed message that
 * never quotes the token or anything taken from it.
 */
public final class JwtAuthenticator implements Authenticator {
  /** Far above any real token; stops decoding and hashing of arbitrary amounts of attacker input. */
  private static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final JwtSettings settings;
  private final Jwks jwks;
  private final Clock clock;

  public JwtAuthenticator(JwtSettings settings) {
    this(settings, Clock.systemUTC());
  }

  /** @param clock the time tokens are judged at, and the pace of JWKS reloads (tests move it) */
  public JwtAuthenticator(JwtSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.jwks = new Jwks(settings.jwksUri(), clock);
  }

  @Override
  public Principal authenticate(String authorization) throws AuthException {
    String token = Bearer.token(authorization);
    if (token.length() > MAX_TOKEN_CHARS) {
      throw invalid("the token is too large");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("the token is malformed (not a JWS compact serialization)");
    }
    JsonNode header = decode(parts[0]);
    String alg = Json.text(header, "alg");
    if (!"RS256".equals(alg) && !"ES256".equals(alg)) {
      throw invalid("token algorithm is not accepted (RS256 and ES256 only)");
    }
    if (header.has("crit")) {
      throw invalid("token has critical header extensions this gateway does not support");
    }
    JsonNode kid = header.get("kid");
    if (kid != null && !kid.isTextual()) {
      throw invalid("the token is malformed");
    }
    JsonNode claims = decode(parts[1]);
    byte[] signature = bytes(parts[2]);
    JwkSet.Key key = jwks.find(kid == null ? null : kid.asText(), alg);
    if (key == null) {
      throw invalid("no key of the JWKS matches the token's kid and algorithm");
    }
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!JwsSignature.verify(alg, key.key(), signingInput, signature)) {
      throw invalid("signature invalid");
    }
    return JwtClaims.principal(claims, settings, clock.instant().getEpochSecond());
  }

  private static JsonNode decode(String part) throws AuthException {
    try {
      JsonNode node = Json.parse(new String(bytes(part), StandardCharsets.UTF_8));
      if (!node.isObject()) {
        throw invalid("the token is malformed");
      }
      return node;
    } catch (RuntimeException e) {
      throw invalid("the token is malformed");
    }
  }

  private static byte[] bytes(String part) throws AuthException {
    if (part.isEmpty() || part.indexOf('=') >= 0) {
      throw invalid("the token is malformed");
    }
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw invalid("the token is malformed");
    }
  }

  static AuthException invalid(String message) {
    return new AuthException(401, "invalid_token", message);
  }
}
