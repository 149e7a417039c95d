package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The usable signature keys of one JWKS document: {@code kty: RSA} (at least 2048 bits) for RS256 and {@code kty: EC,
 * crv: P-256} for ES256. A key whose {@code use}, {@code key_ops} or {@code alg} says it is not for RS256/ES256
 * signatures is left out, as is a malformed one (the others still work). Immutable.
 */
final class JwkSet {
  /** A verification key; {@code alg} is the JWK's own {@code alg}, {@code null} when it names none. */
  record Key(String kid, String alg, PublicKey key) {}

  static final JwkSet EMPTY = new JwkSet(Map.of(), List.of());
  private static final int MIN_RSA_BITS = 2048;
  private static final ECParameterSpec P256 = p256();

  private final Map<String, List<Key>> byKid;
  private final List<Key> all;

  private JwkSet(Map<String, List<Key>> byKid, List<Key> all) {
    this.byKid = byKid;
    this.all = all;
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  /**
   * The key to verify a token signed with {@code alg}: the one named {@code kid}, or, when the token names none, the
   * only key usable with {@code alg} (with several, a token must say which).
   */
  Key pick(String kid, String alg) {
    Key found = null;
    for (Key k : kid == null ? all : byKid.getOrDefault(kid, List.of())) {
      if (fits(k, alg)) {
        if (found != null) {
          return null;
        }
        found = k;
      }
    }
    return found;
  }

  /** A key is for one algorithm family only: an RSA key never verifies ES256 and the other way round. */
  private static boolean fits(Key k, String alg) {
    boolean typeFits = "RS256".equals(alg) ? k.key instanceof RSAPublicKey
        : "ES256".equals(alg) && k.key instanceof ECPublicKey;
    return typeFits && (k.alg == null || k.alg.equals(alg));
  }

  static JwkSet parse(JsonNode doc) {
    Map<String, List<Key>> byKid = new HashMap<>();
    List<Key> all = new ArrayList<>();
    for (JsonNode jwk : doc.path("keys")) {
      Key key = key(jwk);
      if (key != null) {
        all.add(key);
        if (key.kid != null) {
          byKid.computeIfAbsent(key.kid, k -> new ArrayList<>()).add(key);
        }
      }
    }
    byKid.replaceAll((kid, keys) -> List.copyOf(keys));
    return new JwkSet(Map.copyOf(byKid), List.copyOf(all));
  }

  private static Key key(JsonNode jwk) {
    String use = Json.text(jwk, "use");
    String alg = Json.text(jwk, "alg");
    if ((use != null && !use.equals("sig")) || !verifies(jwk.get("key_ops"))
        || (alg != null && !alg.equals("RS256") && !alg.equals("ES256"))) {
      return null;
    }
    try {
      PublicKey key = switch (String.valueOf(Json.text(jwk, "kty"))) {
        case "RSA" -> rsaKey(jwk);
        case "EC" -> "P-256".equals(Json.text(jwk, "crv")) ? ecKey(jwk) : null;
        default -> null;
      };
      return key == null ? null : new Key(Json.text(jwk, "kid"), alg, key);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean verifies(JsonNode keyOps) {
    if (keyOps == null) {
      return true;
    }
    for (JsonNode op : keyOps) {
      if ("verify".equals(op.asText())) {
        return true;
      }
    }
    return false;
  }

  private static PublicKey rsaKey(JsonNode jwk) throws GeneralSecurityException {
    BigInteger n = unsigned(jwk, "n");
    if (n.bitLength() < MIN_RSA_BITS) {
      return null;
    }
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, unsigned(jwk, "e")));
  }

  /** The point must be on the curve: the JDK does not check, and a key that is not one must not be "trusted". */
  private static PublicKey ecKey(JsonNode jwk) throws GeneralSecurityException {
    BigInteger x = unsigned(jwk, "x");
    BigInteger y = unsigned(jwk, "y");
    EllipticCurve curve = P256.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0
        || !y.pow(2).mod(p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p))) {
      throw new IllegalArgumentException("not a P-256 point");
    }
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
  }

  private static BigInteger unsigned(JsonNode jwk, String field) {
    String value = Json.text(jwk, field);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("no " + field);
    }
    return new BigInteger(1, Base64.getUrlDecoder().decode(value));
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 17 has P-256", e);
    }
  }
}
