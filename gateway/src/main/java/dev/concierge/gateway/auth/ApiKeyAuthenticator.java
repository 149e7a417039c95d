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
    return keys.verify(key).orElseThrow(() -> new AuthException(401, "invalid_token",
        "the API key is unknown or revoked"));
  }
}
