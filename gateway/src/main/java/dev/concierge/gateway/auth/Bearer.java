package dev.concierge.gateway.auth;

import java.util.Locale;

/** Reads an RFC 6750 bearer token from an {@code Authorization} header. */
final class Bearer {
  private Bearer() {}

  /**
   * The token of {@code Bearer <token>}.
   *
   * @throws AuthException 401 without an error code when there is no header (the client has not tried), 401
   *     {@code invalid_request} when it is not a bearer credential
   */
  static String token(String authorization) throws AuthException {
    if (authorization == null || authorization.isBlank()) {
      throw new AuthException(401, null, "this gateway needs a bearer token");
    }
    String value = authorization.strip();
    if (value.length() < 8 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      throw new AuthException(401, "invalid_request", "expected an Authorization: Bearer <token> header");
    }
    return value.substring(7).strip();
  }
}
