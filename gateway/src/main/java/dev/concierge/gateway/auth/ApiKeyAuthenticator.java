package dev.concierge.gateway.auth;

/** {@code --auth keys}: a bearer API key from the {@link KeyStore} names the principal. */
public final class ApiKeyAuthenticator implements Authenticator {
  private final KeyStore keys;

  public ApiKeyAuthenticator(KeyStore keys) {
    this.keys = keys;
  }

  @Override
  public Principal authenticate(String authorization) throws AuthException {
    String key = Bearer.token(authorization);
    java.util.Optional<Principal> principal;
    try {
      principal = keys.verify(key);
    } catch (java.io.UncheckedIOException e) { // not the client's fault: it may try again
      throw new AuthException(503, null, "the API keys cannot be checked now; try again shortly");
    }
    return principal.orElseThrow(() -> new AuthException(401, "invalid_token", "the API key is unknown or revoked"));
  }
}
