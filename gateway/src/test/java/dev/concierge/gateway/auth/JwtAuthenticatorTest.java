package dev.concierge.gateway.auth;

import static dev.concierge.gateway.auth.JwtMint.EC;
import static dev.concierge.gateway.auth.JwtMint.RSA;
import static dev.concierge.gateway.auth.JwtMint.RSA_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
  static final String ISSUER = "https://idp.example";
  static final String AUDIENCE = "https://gateway.example/mcp";
  private static final Instant START = Instant.parse("2027-01-15T10:00:00Z");

  @TempDir
  Path dir;
  private Path jwks;
  private MutableClock clock;

  @BeforeEach
  void writeJwks() throws Exception {
    jwks = JwtMint.write(dir.resolve("jwks.json"), JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA),
        JwtMint.ecJwk("ec-1", EC)));
    clock = new MutableClock(START);
  }

  private JwtAuthenticator authenticator() {
    return authenticator(new JwtSettings(jwks.toString(), ISSUER, AUDIENCE, null, null, null, "acme", null));
  }

  private JwtAuthenticator authenticator(JwtSettings settings) {
    return new JwtAuthenticator(settings, clock);
  }

  private ObjectNode claims() {
    long now = clock.epochSecond();
    ObjectNode c = Json.object().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "alice").put("exp", now + 300)
        .put("iat", now);
    c.putArray("groups").add("support").add("eng");
    return c;
  }

  @Test
  void rs256AndEs256TokensAreAcceptedWithTheirClaimsMapped() throws Exception {
    JwtAuthenticator auth = authenticator();
    Principal p = auth.authenticate("Bearer " + JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims()));
    assertThat(p).isEqualTo(new Principal("acme", "alice", Set.of("support", "eng")));

    ObjectNode withTenant = claims().put("tenant", "globex").put("groups", " a  b ");
    withTenant.putArray("aud").add("https://other.example").add(AUDIENCE);
    Principal q = auth.authenticate("bearer " + JwtMint.sign("ES256", "ec-1", EC.getPrivate(), withTenant));
    assertThat(q).isEqualTo(new Principal("globex", "alice", Set.of("a", "b")));
  }

  @Test
  void claimNamesAreConfigurableAndMayPointIntoNestedObjects() throws Exception {
    JwtAuthenticator auth = authenticator(new JwtSettings(jwks.toString(), ISSUER, AUDIENCE, "org", "email",
        "realm_access.roles", null, null));
    ObjectNode c = claims().put("org", "initech").put("email", "alice@initech.example");
    c.putObject("realm_access").putArray("roles").add("admin");
    assertThat(auth.authenticate("Bearer " + JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), c)))
        .isEqualTo(new Principal("initech", "alice@initech.example", Set.of("admin")));
    ObjectNode bare = claims().put("email", "bob@initech.example");
    bare.remove("groups");
    assertThat(auth.authenticate("Bearer " + JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), bare)))
        .isEqualTo(new Principal("default", "bob@initech.example", Set.of()));
  }

  @Test
  void aSingleKeyNeedsNoKid() throws Exception {
    JwtMint.write(jwks, JwtMint.jwks(JwtMint.rsaJwk(null, RSA), JwtMint.ecJwk(null, EC)));
    assertThat(authenticator().authenticate("Bearer " + JwtMint.sign("ES256", null, EC.getPrivate(), claims()))
        .user()).isEqualTo("alice");
  }

  @Test
  void everyBadTokenIsRefusedWithoutEchoingIt() throws Exception {
    long now = clock.epochSecond();
    String good = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims());
    String[] parts = good.split("\\.");
    String goodEc = JwtMint.sign("ES256", "ec-1", EC.getPrivate(), claims());
    String[] ecParts = goodEc.split("\\.");
    String none = JwtMint.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    String hsInput = JwtMint.b64("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}") + "." + parts[1];
    Mac mac = Mac.getInstance("HmacSHA256"); // the classic confusion: the public key used as an HMAC secret
    mac.init(new SecretKeySpec(RSA.getPublic().getEncoded(), "HmacSHA256"));
    String hs = hsInput + "." + JwtMint.b64(mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII)));
    ObjectNode noExp = claims();
    noExp.remove("exp");
    ObjectNode crit = Json.object().put("alg", "RS256").put("kid", "rsa-1");
    crit.putArray("crit").add("exp");
    ObjectNode audiences = claims();
    audiences.putArray("aud").add("https://a.example").add("https://b.example");

    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("exp", now - 120)), "token expired");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("nbf", now + 600)), "not valid yet");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("iat", now + 600)), "in the future");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), noExp), "no exp claim");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("exp", "soon")), "invalid exp");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("iss", "https://evil.example")),
        "token issuer does not match");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("aud", "https://other/mcp")),
        "token audience does not match");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), audiences), "token audience does not match");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("sub", 42)), "no usable sub");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("tenant", 7)), "invalid tenant");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("groups", 7)), "invalid groups");
    cases.put(JwtMint.sign("RS256", "rsa-1", RSA_2.getPrivate(), claims()), "signature invalid");
    cases.put(parts[0] + "." + JwtMint.b64(Json.write(claims().put("sub", "root"))) + "." + parts[2],
        "signature invalid");
    cases.put(ecParts[0] + "." + JwtMint.b64(Json.write(claims().put("sub", "root"))) + "." + ecParts[2],
        "signature invalid");
    cases.put(JwtMint.sign("RS256", "rsa-9", RSA.getPrivate(), claims()), "no key");
    cases.put(JwtMint.sign("RS256", "ec-1", RSA.getPrivate(), claims()), "no key"); // kid of a key of another type
    cases.put(none, "algorithm is not accepted");
    cases.put(hs, "algorithm is not accepted");
    cases.put(JwtMint.sign(crit, RSA.getPrivate(), claims()), "critical header");
    cases.put("not.a.jwt", "malformed");
    cases.put(parts[0] + "." + parts[1], "malformed");
    cases.put(JwtMint.b64("[1]") + "." + parts[1] + "." + parts[2], "malformed");
    cases.put(parts[0] + "." + parts[1] + "." + parts[2] + "=", "malformed");
    cases.put("x".repeat(20_000), "too large");

    JwtAuthenticator auth = authenticator();
    cases.forEach((token, reason) -> assertThatThrownBy(() -> auth.authenticate("Bearer " + token))
        .as(reason).isInstanceOfSatisfying(AuthException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.error()).isEqualTo("invalid_token");
          assertThat(e.getMessage()).contains(reason).doesNotContain(token).doesNotContain(parts[1])
              .matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+"); // RFC 6750 error_description characters
        }));
  }

  @Test
  void clockSkewIsToleratedAndConfigurable() throws Exception {
    long now = clock.epochSecond();
    String lateButWithinSkew = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("exp", now - 30));
    String earlyButWithinSkew = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims().put("nbf", now + 30)
        .put("iat", now + 30));
    assertThat(authenticator().authenticate("Bearer " + lateButWithinSkew).user()).isEqualTo("alice");
    assertThat(authenticator().authenticate("Bearer " + earlyButWithinSkew).user()).isEqualTo("alice");
    JwtAuthenticator strict = authenticator(new JwtSettings(jwks.toString(), ISSUER, AUDIENCE, null, null, null,
        null, Duration.ZERO));
    assertThatThrownBy(() -> strict.authenticate("Bearer " + lateButWithinSkew)).hasMessage("token expired");
    assertThatThrownBy(() -> strict.authenticate("Bearer " + earlyButWithinSkew))
        .hasMessage("token is not valid yet");
  }

  @Test
  void anUnknownKidReloadsTheJwksAtMostOnceAMinute() throws Exception {
    JwtAuthenticator auth = authenticator();
    String rotated = JwtMint.sign("RS256", "rsa-2", RSA_2.getPrivate(), claims());
    assertThatThrownBy(() -> auth.authenticate("Bearer " + rotated)).hasMessageContaining("no key");

    JwtMint.write(jwks, JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA), JwtMint.rsaJwk("rsa-2", RSA_2)));
    clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> auth.authenticate("Bearer " + rotated)).hasMessageContaining("no key");
    clock.advance(Duration.ofSeconds(31));
    String fresh = JwtMint.sign("RS256", "rsa-2", RSA_2.getPrivate(), claims());
    assertThat(auth.authenticate("Bearer " + fresh).user()).isEqualTo("alice");

    JwtMint.write(jwks, JwtMint.jwks(JwtMint.rsaJwk("rsa-2", RSA_2))); // rsa-1 withdrawn
    String old = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims());
    assertThat(auth.authenticate("Bearer " + old).user()).isEqualTo("alice"); // still cached
    clock.advance(Jwks.MAX_AGE);
    String later = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims());
    assertThatThrownBy(() -> auth.authenticate("Bearer " + later)).hasMessageContaining("no key");
  }

  @Test
  void aMissingJwksRefusesTokensUntilItAppears() throws Exception {
    JwtAuthenticator auth = authenticator(new JwtSettings(dir.resolve("later.json").toUri().toString(), ISSUER,
        AUDIENCE, null, null, null, null, null));
    String token = JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims());
    assertThatThrownBy(() -> auth.authenticate("Bearer " + token)).hasMessageContaining("no key");
    JwtMint.write(dir.resolve("later.json"), JwtMint.jwks(JwtMint.rsaJwk("rsa-1", RSA)));
    clock.advance(Jwks.RETRY_AFTER_FAILURE);
    assertThat(auth.authenticate("Bearer " + JwtMint.sign("RS256", "rsa-1", RSA.getPrivate(), claims())).user())
        .isEqualTo("alice");
  }

  @Test
  void settingsComeFromTheConfigWithDefaults() {
    JwtSettings s = JwtSettings.fromJson(Json.parse("{\"jwks\":\"https://idp.example/jwks\",\"issuer\":\"" + ISSUER
        + "\",\"audience\":\"" + AUDIENCE + "\",\"clockSkewSeconds\":5}"));
    assertThat(s).isEqualTo(new JwtSettings("https://idp.example/jwks", ISSUER, AUDIENCE, "tenant", "sub", "groups",
        "default", Duration.ofSeconds(5)));
    assertThatThrownBy(() -> JwtSettings.fromJson(Json.parse("{\"issuer\":\"x\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
