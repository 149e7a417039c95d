package dev.concierge.gateway.mcp;

import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.SignedToken;
import java.util.function.LongSupplier;

/**
 * The {@code requestState} the gateway hands a 2026-07-28 client with {@code input_required}. It passes through the
 * client, so it is signed ({@link SignedToken} with the gateway's state key), bound to the principal and to the
 * request it belongs to (method and name), and expires. Payload: {@code "v1" \n principalKey \n method \n name \n
 * expiresAtMillis \n value}, where the value names a waiting request of this node or carries an upstream server's
 * own state.
 */
final class RequestStateCodec {
  private final SignedToken signer;
  private final LongSupplier clock;

  RequestStateCodec(byte[] key, LongSupplier clock) {
    this.signer = new SignedToken(key);
    this.clock = clock;
  }

  String seal(Principal principal, String method, String name, long expiresAtMillis, String value) {
    return signer.seal(String.join("\n", "v1", principal.key(), method, name == null ? "" : name,
        Long.toString(expiresAtMillis), value));
  }

  /**
   * The value sealed into {@code state} for this principal and request.
   *
   * @throws McpException {@code -32602} when the state is malformed, tampered with, someone else's, for another
   *     request, or expired (the message says which, and nothing more)
   */
  String open(Principal principal, String method, String name, String state) {
    String[] parts = signer.open(state, "requestState").split("\n", 6);
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

  private static McpException invalid(String message) {
    return new McpException(ErrorCodes.INVALID_PARAMS, message);
  }
}
