package dev.concierge.gateway.auth;

/**
 * Credentials were refused. The message is safe to send to the client: it never contains the credential itself.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 error codes</a>
 */
public final class AuthException extends Exception {
  private final int status;
  private final String error;

  /**
   * @param status 401 (missing or invalid credentials), 403 (valid but not allowed), or 503 (the credentials cannot
   *     be checked now)
   * @param error the RFC 6750 error code ({@code invalid_token}, {@code insufficient_scope}), or {@code null} when
   *     no credentials were sent at all
   */
  public AuthException(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }
}
