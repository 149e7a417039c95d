package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
  private static final String ISSUER = "https://idp.example";
  private static final String AUDIENCE = "https://gateway.example/mcp";
  private static final long NOW = 1_800_000_000L;
  static KeyPair rsa;
  static KeyPair ec;
  static KeyPair stranger;
  static Path jwks;
  static final AtomicLong clock = new AtomicLong(NOW * 1000);

  @BeforeAll
  static void keys(@TempDir Path dir) throws Exception {
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    rsa = r.generateKeyPair();
    stranger = r.generateKeyPair();
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp256r1"));
    ec = e.generateKeyPair();
    ObjectNode doc = Json.object();
    RSAPublicKey rp = (RSAPublicKey) rsa.getPublic();
    doc.putArray("keys").addObject().put("kty", "RSA").put("kid", "rsa-1").put("use", "sig").put("alg", "RS256")
        .put("n", b64(rp.getModulus())).put("e", b64(rp.getPublicExponent()));
    ECPublicKey ep = (ECPublicKey) ec.getPublic();
    ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("keys")).addObject().put("kty", "EC").put("crv", "P-256")
        .put("kid", "ec-1").put("x", b64(ep.getW().getAffineX(), 32)).put("y", b64(ep.getW().getAffineY(), 32));
    jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, Json.write(doc));
  }

  private JwtAuthenticator authenticator() {
    return new JwtAuthenticator(new JwtSettings(jwks.toString(), ISSUER, AUDIENCE, null, null, null, "acme", null),
        clock::get);
  }

  private static ObjectNode claims() {
    ObjectNode c = Json.object().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "alice").put("exp", NOW + 300)
        .put("iat", NOW);
    c.putArray("groups").add("support");
    return c;
  }

  @Test
  void rs256AndEs256TokensMapToPrincipals() throws Exception {
    Principal p = authenticator().authenticate("Bearer " + sign("RS256", "rsa-1", rsa.getPrivate(), claims()));
    assertThat(p).isEqualTo(new Principal("acme", "alice", Set.of("support")));
    ObjectNode withTenant = claims().put("tenant", "globex").put("groups", "a b");
    Principal q = authenticator().authenticate("Bearer " + sign("ES256", "ec-1", ec.getPrivate(), withTenant));
    assertThat(q).isEqualTo(new Principal("globex", "alice", Set.of("a", "b")));
  }

  @Test
  void everyBadTokenIsRefusedWithoutEchoingIt() throws Exception {
    String expired = sign("RS256", "rsa-1", rsa.getPrivate(), claims().put("exp", NOW - 600));
    String early = sign("RS256", "rsa-1", rsa.getPrivate(), claims().put("nbf", NOW + 600));
    String otherIssuer = sign("RS256", "rsa-1", rsa.getPrivate(), claims().put("iss", "https://evil.example"));
    String otherAudience = sign("RS256", "rsa-1", rsa.getPrivate(), claims().put("aud", "https://other/mcp"));
    String wrongKey = sign("RS256", "rsa-1", stranger.getPrivate(), claims());
    String unknownKid = sign("RS256", "rsa-9", rsa.getPrivate(), claims());
    String good = sign("RS256", "rsa-1", rsa.getPrivate(), claims());
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + enc(Json.write(claims().put("sub", "root"))) + "." + parts[2];
    String none = enc("{\"alg\":\"none\"}") + "." + parts[1] + ".";
    String hs = enc("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}") + "." + parts[1] + "." + parts[2];
    assertRefused(expired, "token expired");
    assertRefused(early, "not valid yet");
    assertRefused(otherIssuer, "issuer does not match");
    assertRefused(otherAudience, "audience does not match");
    assertRefused(wrongKey, "signature invalid");
    assertRefused(unknownKid, "no key");
    assertRefused(tampered, "signature invalid");
    assertRefused(none, "not accepted");
    assertRefused(hs, "not accepted");
    assertRefused("not.a.jwt", "malformed");
  }

  private void assertRefused(String token, String reason) {
    assertThatThrownBy(() -> authenticator().authenticate("Bearer " + token)).isInstanceOfSatisfying(
        AuthException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.error()).isEqualTo("invalid_token");
          assertThat(e.getMessage()).contains(reason).doesNotContain(token);
        });
  }

  static String sign(String alg, String kid, PrivateKey key, ObjectNode claims) throws Exception {
    String input = enc(Json.write(Json.object().put("alg", alg).put("typ", "JWT").put("kid", kid))) + "."
        + enc(Json.write(claims));
    Signature s = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
  }

  private static String enc(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String b64(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }
}
