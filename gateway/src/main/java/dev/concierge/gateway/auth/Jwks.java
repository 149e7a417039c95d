package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The signing keys of a JWKS (RFC 7517), from a file or an {@code http(s)} URL: RSA keys for RS256, P-256 keys for
 * ES256. A token naming an unknown {@code kid} reloads the set, at most once a minute (keys rotate; a flood of
 * made-up kids must not become a flood of fetches).
 */
final class Jwks {
  record Key(String kid, String alg, PublicKey key) {}

  private static final long RELOAD_MILLIS = 60_000;

  private final String location;
  private final LongSupplier clock;
  private final HttpClient http;
  private Map<String, Key> keys = Map.of();
  private boolean loaded;
  private long loadedAtMillis;

  Jwks(String location, LongSupplier clock) {
    this.location = location;
    this.clock = clock;
    this.http = location.startsWith("http://") || location.startsWith("https://")
        ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build() : null;
  }

  /** The key for {@code kid} ({@code null}: the only key usable with {@code alg}), or {@code null}. */
  synchronized Key find(String kid, String alg) {
    Key key = pick(kid, alg);
    if (key == null && (!loaded || clock.getAsLong() - loadedAtMillis >= RELOAD_MILLIS)) {
      load();
      key = pick(kid, alg);
    }
    return key;
  }

  private Key pick(String kid, String alg) {
    if (kid != null) {
      Key k = keys.get(kid);
      return k != null && (k.alg == null || k.alg.equals(alg)) ? k : null;
    }
    Key only = null;
    for (Key k : keys.values()) {
      if (fits(k, alg)) {
        if (only != null) {
          return null; // ambiguous without a kid
        }
        only = k;
      }
    }
    return only;
  }

  private static boolean fits(Key k, String alg) {
    boolean rsa = k.key.getAlgorithm().equals("RSA");
    return (k.alg == null || k.alg.equals(alg)) && ("RS256".equals(alg) ? rsa : !rsa);
  }

  private void load() {
    loaded = true;
    loadedAtMillis = clock.getAsLong();
    try {
      String text = http == null ? Files.readString(Path.of(location))
          : http.send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString()).body();
      keys = parse(Json.parse(text));
    } catch (IOException | RuntimeException e) {
      System.getLogger(Jwks.class.getName()).log(System.Logger.Level.WARNING, "cannot load the JWKS from "
          + location + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Map<String, Key> parse(JsonNode jwks) {
    Map<String, Key> out = new HashMap<>();
    int unnamed = 0;
    for (JsonNode jwk : jwks.path("keys")) {
      if (jwk.has("use") && !"sig".equals(jwk.path("use").asText())) {
        continue;
      }
      try {
        PublicKey key = switch (jwk.path("kty").asText()) {
          case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
              unsigned(jwk, "n"), unsigned(jwk, "e")));
          case "EC" -> "P-256".equals(jwk.path("crv").asText()) ? ecKey(jwk) : null;
          default -> null;
        };
        if (key != null) {
          String kid = jwk.hasNonNull("kid") ? jwk.get("kid").asText() : "#" + unnamed++;
          out.put(kid, new Key(kid, Json.text(jwk, "alg"), key));
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // a malformed key is skipped; the others still work
      }
    }
    return Map.copyOf(out);
  }

  private static PublicKey ecKey(JsonNode jwk) throws GeneralSecurityException {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"),
        unsigned(jwk, "y")), spec));
  }

  private static BigInteger unsigned(JsonNode jwk, String field) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path(field).asText()));
  }
}
