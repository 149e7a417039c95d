package dev.concierge.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --auth local}: one user, one bearer token. The token is the one given ({@code --token} or
 * {@code CONCIERGE_TOKEN}), else the one kept in {@code <store>/local-token}, else a new 256-bit one written there
 * (owner-only) on first start — the caller prints it once. Keeping it means clients configured once keep working
 * across restarts; an explicit token is never written, so it lives only where the operator put it.
 */
public final class LocalTokenAuthenticator implements Authenticator {
  static final String FILE = "local-token";
  static final String PREFIX = "cnc_";

  private final String token;
  private final boolean generated;

  private LocalTokenAuthenticator(String token, boolean generated) {
    this.token = token;
    this.generated = generated;
  }

  /**
   * @param storeDir the data directory ({@code ~/.concierge}); created owner-only when missing
   * @param explicitToken the token from the command line or environment, or {@code null}
   */
  public static LocalTokenAuthenticator fromStore(Path storeDir, String explicitToken) throws IOException {
    if (explicitToken != null && !explicitToken.isBlank()) {
      return new LocalTokenAuthenticator(explicitToken.strip(), false);
    }
    Path file = storeDir.resolve(FILE);
    String kept = read(file);
    if (kept != null && !kept.isEmpty()) {
      return new LocalTokenAuthenticator(kept, false);
    }
    String fresh = PREFIX + Secrets.randomToken(32);
    byte[] bytes = fresh.getBytes(StandardCharsets.UTF_8);
    if (kept != null) {
      Secrets.writeOwnerOnly(file, bytes); // an empty file holds no token: replace it
    } else if (!Secrets.createOwnerOnly(file, bytes)) {
      return new LocalTokenAuthenticator(read(file), false); // another process created it first: use theirs
    }
    return new LocalTokenAuthenticator(fresh, true);
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
  }

  /** Whether this start generated the token (so the caller shows it, once). */
  public boolean generated() {
    return generated;
  }

  public String token() {
    return token;
  }

  @Override
  public Principal authenticate(String authorization) throws AuthException {
    String presented = Bearer.token(authorization);
    if (!Secrets.sameSecret(presented, token)) {
      throw new AuthException(401, "invalid_token", "the token is not this gateway's local token");
    }
    return Principal.LOCAL;
  }
}
