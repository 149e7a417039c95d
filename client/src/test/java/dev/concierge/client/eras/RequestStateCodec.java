package dev.concierge.client.eras;

import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.SignedToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The {@code requestState} of a multi round-trip request, as the 2026-07-28 MRTR rules ask of a server: the state
 * passes through the client, so it is signed ({@link SignedToken}, a per-process key), bound to the request it
 * belongs to (method and name), and expires. Payload: {@code method "\n" name "\n" expiresAtMillis "\n" value}.
 */
final class RequestStateCodec {
  private final SignedToken signer;
  private final Duration ttl;
  private final Clock clock;

  RequestStateCodec(Duration ttl, Clock clock) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.signer = new SignedToken(key);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Signs {@code value} for a later retry of {@code method} on {@code name}. */
  String seal(String method, String name, String value) {
    return signer.seal(method + "\n" + name + "\n" + (clock.millis() + ttl.toMillis()) + "\n" + value);
  }

  /**
   * The value sealed into {@code state} for this very request.
   *
   * @throws McpException {@code -32602} when the state was tampered with, belongs to another request, or expired
   */
  String open(String method, String name, String state) {
    String[] parts = signer.open(state, "requestState").split("\n", 4);
    if (parts.length != 4 || !parts[0].equals(method) || !parts[1].equals(name)) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "requestState belongs to another request");
    }
    if (Long.parseLong(parts[2]) < clock.millis()) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "requestState expired");
    }
    return parts[3];
  }
}
