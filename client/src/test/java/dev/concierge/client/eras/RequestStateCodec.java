package dev.concierge.client.eras;

import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code requestState} of a multi round-trip request, as the 2026-07-28 MRTR rules ask of a server: the state
 * passes through the client, so it is signed (HMAC-SHA256 with a per-process key), bound to the request it belongs to
 * (method and name), and expires. Format: {@code base64url(payload) "." base64url(mac)}, payload
 * {@code method "\n" name "\n" expiresAtMillis "\n" value}.
 */
final class RequestStateCodec {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] key;
  private final Duration ttl;
  private final Clock clock;

  RequestStateCodec(Duration ttl, Clock clock) {
    this.key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Signs {@code value} for a later retry of {@code method} on {@code name}. */
  String seal(String method, String name, String value) {
    long expires = clock.millis() + ttl.toMillis();
    String payload = method + "\n" + name + "\n" + expires + "\n" + value;
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
  }

  /**
   * The value sealed into {@code state} for this very request.
   *
   * @throws McpException {@code -32602} when the state was tampered with, belongs to another request, or expired
   */
  String open(String method, String name, String state) {
    int dot = state.indexOf('.');
    byte[] payload;
    byte[] mac;
    try {
      payload = DECODER.decode(state.substring(0, Math.max(0, dot)));
      mac = DECODER.decode(state.substring(dot + 1));
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw invalid("requestState is not well formed");
    }
    if (dot < 0 || !MessageDigest.isEqual(mac, mac(payload))) {
      throw invalid("requestState failed verification");
    }
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", 4);
    if (parts.length != 4 || !parts[0].equals(method) || !parts[1].equals(name)) {
      throw invalid("requestState belongs to another request");
    }
    if (Long.parseLong(parts[2]) < clock.millis()) {
      throw invalid("requestState expired");
    }
    return parts[3];
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      return hmac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static McpException invalid(String message) {
    return new McpException(ErrorCodes.INVALID_PARAMS, message);
  }
}
