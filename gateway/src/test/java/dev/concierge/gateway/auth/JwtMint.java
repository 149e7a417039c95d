package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Test keys, JWKS documents and signed JWTs, made with the JDK alone so the tests do not trust the code under test
 * to produce what it then checks. ES256 signs in the P1363 (R‖S) form JWS uses.
 */
final class JwtMint {
  /** Generated once per test run: RSA key generation is the slow part. */
  static final KeyPair RSA = rsa();
  static final KeyPair RSA_2 = rsa();
  static final KeyPair EC = ec();

  private JwtMint() {}

  /** {@code {"keys": [...]}} with the given JWKs. */
  static ObjectNode jwks(ObjectNode... keys) {
    ObjectNode doc = Json.object();
    ArrayNode array = doc.putArray("keys");
    Arrays.stream(keys).forEach(array::add);
    return doc;
  }

  static ObjectNode rsaJwk(String kid, KeyPair pair) {
    RSAPublicKey p = (RSAPublicKey) pair.getPublic();
    ObjectNode jwk = Json.object().put("kty", "RSA").put("use", "sig").put("alg", "RS256")
        .put("n", b64(unsigned(p.getModulus()))).put("e", b64(unsigned(p.getPublicExponent())));
    return kid == null ? jwk : jwk.put("kid", kid);
  }

  static ObjectNode ecJwk(String kid, KeyPair pair) {
    ECPublicKey p = (ECPublicKey) pair.getPublic();
    ObjectNode jwk = Json.object().put("kty", "EC").put("crv", "P-256")
        .put("x", b64(fixed(p.getW().getAffineX(), 32))).put("y", b64(fixed(p.getW().getAffineY(), 32)));
    return kid == null ? jwk : jwk.put("kid", kid);
  }

  static Path write(Path file, ObjectNode jwks) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Json.write(jwks));
    return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static String sign(String alg, String kid, PrivateKey key, ObjectNode claims) throws GeneralSecurityException {
    ObjectNode header = Json.object().put("alg", alg).put("typ", "JWT");
    if (kid != null) {
      header.put("kid", kid);
    }
    return sign(header, key, claims);
  }

  static String sign(ObjectNode header, PrivateKey key, ObjectNode claims) throws GeneralSecurityException {
    String input = b64(Json.write(header)) + "." + b64(Json.write(claims));
    String alg = header.path("alg").asText();
    Signature s = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(s.sign());
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static byte[] fixed(BigInteger value, int length) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
