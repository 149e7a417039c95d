package dev.concierge.gateway.mcp;

import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code requestState} the gateway hands a 2026-07-28 client with {@code input_required}. It passes through the
 * client, so it is signed (HMAC-SHA256 with the gateway's state key), bound to the principal and to the request it
 * belongs to (method and name), and expires. Format: {@code base64url(payload) "." base64url(mac)}, payload
 * {@code "v1" \n principalKey \n method \n name \n expiresAtMillis \n value}, where the value names a waiting
 * request of this node or carries an upstream server's own state.
 */
final class RequestStateCodec {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final LongSupplier clock;

  RequestStateCodec(byte[] key, LongSupplier clock) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the state key must have at least 256 bits");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clock = clock;
  }

  String seal(Principal principal, String method, String name, long expiresAtMillis, String value) {
    String payload = String.join("\n", "v1", principal.key(), method, name == null ? "" : name,
        Long.toString(expiresAtMillis), value);
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
  }

  /**
   * The value sealed into {@code state} for this principal and request.
   *
   * @throws McpException {@code -32602} when the state is malformed, tampered with, someone else's, for another
   *     request, or expired (the message says which, and nothing more)
   */
  String open(Principal principal, String method, String name, String state) {
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
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", 6);
    if (parts.length != 6 || !"v1".equals(parts[0])) {
      throw invalid("requestState is not well formed");
    }
    if (!parts[1].equals(principal.key())) {
      throw invalid("requestState belongs to another user");
    }
    if (!parts[2].equals(method) || !parts[3].equals(name == null ? "" : name)) {
      throw invalid("requestState belongs to another request");
    }
    if (Long.parseLong(parts[4]) < clock.getAsLong()) {
      throw invalid("requestState expired");
    }
    return parts[5];
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

  private static McpException invalid(String message) {
    return new McpException(ErrorCodes.INVALID_PARAMS, message);
  }
}
