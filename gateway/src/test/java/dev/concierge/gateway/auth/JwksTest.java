package dev.concierge.gateway.auth;

import static dev.concierge.gateway.auth.JwtMint.EC;
import static dev.concierge.gateway.auth.JwtMint.RSA;
import static dev.concierge.gateway.auth.JwtMint.RSA_2;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.protocol.Json;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The key set: what counts as a usable key, fetching over HTTP, and the R‖S to DER step of ES256. */
class JwksTest {
  @Test
  void onlyKeysForRs256AndEs256SignaturesAreKept() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    ObjectNode encryptOnly = JwtMint.rsaJwk("ops", RSA_2);
    encryptOnly.putArray("key_ops").add("encrypt");
    ObjectNode offCurve = JwtMint.ecJwk("ec-bad", EC).put("y", JwtMint.b64(new byte[32]));
    JwkSet set = JwkSet.parse(JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA), JwtMint.ecJwk("ec-1", EC),
        JwtMint.rsaJwk("enc", RSA_2).put("use", "enc"), encryptOnly,
        JwtMint.rsaJwk("rs512", RSA_2).put("alg", "RS512"), JwtMint.rsaJwk("weak", small.generateKeyPair()),
        offCurve, Json.object().put("kty", "oct").put("k", "c2VjcmV0").put("kid", "hmac"),
        JwtMint.ecJwk("p384", EC).put("crv", "P-384"), Json.object().put("kty", "RSA").put("kid", "empty")));
    assertThat(set.pick("rsa-1", "RS256")).isNotNull();
    assertThat(set.pick("ec-1", "ES256")).isNotNull();
    assertThat(set.pick("rsa-1", "ES256")).isNull();
    assertThat(set.pick("ec-1", "RS256")).isNull();
    for (String kid : new String[] {"enc", "ops", "rs512", "weak", "ec-bad", "hmac", "p384", "empty"}) {
      assertThat(set.pick(kid, "RS256")).as(kid).isNull();
      assertThat(set.pick(kid, "ES256")).as(kid).isNull();
    }
    assertThat(set.pick(null, "ES256")).isNotNull(); // the only EC key
    JwkSet two = JwkSet.parse(JwtMint.jwks(JwtMint.rsaJwk("a", RSA), JwtMint.rsaJwk("b", RSA_2)));
    assertThat(two.pick(null, "RS256")).as("ambiguous without a kid").isNull();
  }

  @Test
  void anHttpJwksIsCachedAndRefetchedOnlyAsPaced() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    AtomicReference<String> body = new AtomicReference<>(Json.write(JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA))));
    AtomicInteger status = new AtomicInteger(200);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks", exchange -> {
      fetches.incrementAndGet();
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status.get(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    try {
      MutableClock clock = new MutableClock(Instant.parse("2027-01-15T10:00:00Z"));
      Jwks jwks = new Jwks("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks", clock);
      assertThat(jwks.find("rsa-1", "RS256")).isNotNull();
      for (int i = 0; i < 20; i++) {
        assertThat(jwks.find("made-up-" + i, "RS256")).isNull();
        assertThat(jwks.find("rsa-1", "RS256")).isNotNull();
      }
      assertThat(fetches).hasValue(1);

      body.set(Json.write(JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA), JwtMint.rsaJwk("rsa-2", RSA_2))));
      clock.advance(Jwks.RELOAD_INTERVAL);
      assertThat(jwks.find("rsa-2", "RS256")).isNotNull();
      assertThat(fetches).hasValue(2);

      status.set(500); // a failing issuer does not wipe the keys already known
      body.set("{\"keys\":[]}");
      clock.advance(Jwks.MAX_AGE);
      assertThat(jwks.find("rsa-1", "RS256")).isNotNull();
      assertThat(jwks.find("rsa-2", "RS256")).isNotNull();
      assertThat(fetches).hasValue(3);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void es256SignaturesConvertToDer() throws Exception {
    byte[] raw = new byte[64];
    raw[0] = (byte) 0x80; // top bit set: a zero byte goes in front
    raw[31] = 1;
    raw[63] = 5; // s = 5: leading zeros dropped
    byte[] der = JwsSignature.derOf(raw);
    assertThat(der[0]).isEqualTo((byte) 0x30);
    assertThat(der[1]).isEqualTo((byte) (2 + 33 + 2 + 1));
    assertThat(Arrays.copyOfRange(der, 2, 5)).containsExactly(0x02, 33, 0x00);
    assertThat(new BigInteger(1, Arrays.copyOfRange(der, 5, 37))).isEqualTo(new BigInteger(1,
        Arrays.copyOfRange(raw, 0, 32)));
    assertThat(Arrays.copyOfRange(der, 37, 40)).containsExactly(0x02, 1, 5);

    Random random = new Random(7);
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    for (int i = 0; i < 120; i++) { // covers short R or S and top bits set, by chance, many times over
      byte[] message = new byte[16];
      random.nextBytes(message);
      signer.initSign(EC.getPrivate());
      signer.update(message);
      byte[] sig = signer.sign();
      assertThat(JwsSignature.verify("ES256", EC.getPublic(), message, sig)).isTrue();
      sig[10] ^= 1;
      assertThat(JwsSignature.verify("ES256", EC.getPublic(), message, sig)).isFalse();
    }
    assertThat(JwsSignature.verify("ES256", EC.getPublic(), new byte[1], new byte[63])).isFalse();
    assertThat(JwsSignature.verify("HS256", EC.getPublic(), new byte[1], new byte[64])).isFalse();
  }
}
