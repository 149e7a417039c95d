package dev.concierge.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A text that passes through a client and must come back unchanged, such as a 2026-07-28 {@code requestState}:
 * {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))}. What the payload says (whose it is, until
 * when) is the caller's to check after {@link #open}.
 */
public final class SignedToken {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  /** @param key at least 256 bits */
  public SignedToken(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the signing key must have at least 256 bits");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  public String seal(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
  }

  /**
   * The payload of a token this key sealed.
   *
   * @throws McpException {@code -32602} when the token is malformed or fails verification (the message says which)
   */
  public String open(String token, String what) {
    int dot = token.indexOf('.');
    byte[] payload;
    byte[] mac;
    try {
      payload = DECODER.decode(token.substring(0, Math.max(0, dot)));
      mac = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, what + " is not well formed");
    }
    if (dot < 0 || !MessageDigest.isEqual(mac, mac(payload))) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, what + " failed verification");
    }
    return new String(payload, StandardCharsets.UTF_8);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
      return hmac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
