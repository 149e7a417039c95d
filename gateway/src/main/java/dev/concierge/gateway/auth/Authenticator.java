package dev.concierge.gateway.auth;

/**
 * Turns a request's credentials into a {@link Principal}. Implementations are thread-safe and never log or echo a
 * credential.
 */
public interface Authenticator {
  /**
   * @param authorization the {@code Authorization} header, or {@code null} when absent
   * @return the principal the credentials prove
   * @throws AuthException when the credentials are missing, malformed, expired, revoked or not for this gateway
   */
  Principal authenticate(String authorization) throws AuthException;

  /** Whether requests need credentials at all ({@code false} only for {@code --auth none}). */
  default boolean required() {
    return true;
  }
}
