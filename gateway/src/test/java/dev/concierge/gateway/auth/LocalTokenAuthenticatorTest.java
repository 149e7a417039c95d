package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokenAuthenticatorTest {
  @TempDir
  Path dir;

  @Test
  void theTokenIsGeneratedOnceKeptOwnerOnlyAndReused() throws Exception {
    Path store = dir.resolve("fresh/.concierge");
    LocalTokenAuthenticator first = LocalTokenAuthenticator.fromStore(store, null);
    assertThat(first.generated()).isTrue();
    assertThat(first.token()).matches("cnc_[A-Za-z0-9_-]{43}");
    Path file = store.resolve(LocalTokenAuthenticator.FILE);
    assertThat(Files.readString(file)).isEqualTo(first.token());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rwx------");
    try (var siblings = Files.list(store)) {
      assertThat(siblings).as("no temporary file left").containsExactly(file);
    }

    LocalTokenAuthenticator again = LocalTokenAuthenticator.fromStore(store, null);
    assertThat(again.generated()).isFalse();
    assertThat(again.token()).isEqualTo(first.token());
    assertThat(again.authenticate("Bearer " + first.token())).isEqualTo(Principal.LOCAL);
    assertThat(again.required()).isTrue();
  }

  @Test
  void anExplicitTokenWinsAndIsNeverWritten() throws Exception {
    LocalTokenAuthenticator explicit = LocalTokenAuthenticator.fromStore(dir, "  given-token \n");
    assertThat(explicit.generated()).isFalse();
    assertThat(explicit.authenticate("Bearer given-token")).isEqualTo(Principal.LOCAL);
    assertThat(Files.exists(dir.resolve(LocalTokenAuthenticator.FILE))).isFalse();

    String kept = LocalTokenAuthenticator.fromStore(dir, null).token();
    LocalTokenAuthenticator override = LocalTokenAuthenticator.fromStore(dir, "given-token");
    assertThat(override.token()).isEqualTo("given-token");
    assertThatThrownBy(() -> override.authenticate("Bearer " + kept)).isInstanceOf(AuthException.class);
  }

  @Test
  void aWrongOrMissingTokenIsRefusedWithoutEchoingIt() throws Exception {
    LocalTokenAuthenticator auth = LocalTokenAuthenticator.fromStore(dir, null);
    String token = auth.token();
    for (String wrong : new String[] {token + "x", token.substring(0, token.length() - 1), "cnc_guess", ""}) {
      assertThatThrownBy(() -> auth.authenticate("Bearer " + wrong)).isInstanceOfSatisfying(AuthException.class,
          e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).doesNotContain(token);
            if (!wrong.isEmpty()) {
              assertThat(e.getMessage()).doesNotContain(wrong);
            }
          });
    }
    assertThatThrownBy(() -> auth.authenticate(null)).isInstanceOfSatisfying(AuthException.class, e -> {
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.error()).isNull();
    });
    assertThatThrownBy(() -> auth.authenticate("Basic " + token)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.error()).isEqualTo("invalid_request"));
  }

  @Test
  void anEmptyTokenFileIsReplaced() throws Exception {
    Files.writeString(dir.resolve(LocalTokenAuthenticator.FILE), "\n");
    LocalTokenAuthenticator auth = LocalTokenAuthenticator.fromStore(dir, null);
    assertThat(auth.generated()).isTrue();
    assertThat(Files.readString(dir.resolve(LocalTokenAuthenticator.FILE))).isEqualTo(auth.token());
  }

  @Test
  void noAuthIsTheLocalUserWithoutCredentials() {
    NoAuthenticator none = new NoAuthenticator();
    assertThat(none.required()).isFalse();
    assertThat(none.authenticate(null)).isEqualTo(Principal.LOCAL);
  }

  @Test
  void aStateKeyIsCreatedOnceAndKept() throws Exception {
    byte[] key = Secrets.keyFile(dir.resolve("state-key"));
    assertThat(key).hasSize(32);
    assertThat(Secrets.keyFile(dir.resolve("state-key"))).isEqualTo(key);
    assertThat(Secrets.createOwnerOnly(dir.resolve("state-key"), new byte[32])).isFalse();
    assertThat(Files.readAllBytes(dir.resolve("state-key"))).isEqualTo(key);
  }
}
