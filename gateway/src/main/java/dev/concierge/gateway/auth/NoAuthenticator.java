package dev.concierge.gateway.auth;

/** {@code --auth none}: every request is the local user. Only ever allowed on a loopback address. */
public final class NoAuthenticator implements Authenticator {
  @Override
  public Principal authenticate(String authorization) {
    return Principal.LOCAL;
  }

  @Override
  public boolean required() {
    return false;
  }
}
