package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysAndLocalTokenTest {
  @Test
  void apiKeysAreStoredHashedAndARevocationElsewhereTakesEffect(@TempDir Path dir) throws Exception {
    FileKeyStore store = new FileKeyStore(dir);
    KeyStore.Issued issued = store.add("acme", "bob", Set.of("eng"), "laptop");
    ApiKeyAuthenticator auth = new ApiKeyAuthenticator(store);
    assertThat(auth.authenticate("Bearer " + issued.key())).isEqualTo(new Principal("acme", "bob", Set.of("eng")));
    String file = Files.readString(dir.resolve(FileKeyStore.FILE));
    assertThat(file).doesNotContain(issued.key()).doesNotContain(issued.key().substring(17));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(FileKeyStore.FILE))))
        .isEqualTo("rw-------");
    assertThat(store.list()).singleElement().satisfies(k -> {
      assertThat(k.user()).isEqualTo("bob");
      assertThat(k.label()).isEqualTo("laptop");
    });

    assertThat(new FileKeyStore(dir).revoke(issued.info().id())).isTrue(); // another process, same file
    Files.setLastModifiedTime(dir.resolve(FileKeyStore.FILE),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    FileKeyStore fresh = new FileKeyStore(dir);
    assertThatThrownBy(() -> new ApiKeyAuthenticator(fresh).authenticate("Bearer " + issued.key()))
        .isInstanceOfSatisfying(AuthException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).doesNotContain(issued.key());
        });
    assertThatThrownBy(() -> auth.authenticate("Bearer cnc_000000000000_guess")).isInstanceOf(AuthException.class);
    assertThatThrownBy(() -> auth.authenticate(null)).isInstanceOfSatisfying(AuthException.class,
        e -> assertThat(e.error()).isNull());
  }

  @Test
  void theLocalTokenIsGeneratedOnceKeptPrivateAndCheckedExactly(@TempDir Path dir) throws Exception {
    LocalTokenAuthenticator first = LocalTokenAuthenticator.fromStore(dir, null);
    assertThat(first.generated()).isTrue();
    assertThat(first.token()).startsWith("cnc_").hasSizeGreaterThan(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(LocalTokenAuthenticator.FILE))))
        .isEqualTo("rw-------");
    LocalTokenAuthenticator again = LocalTokenAuthenticator.fromStore(dir, null);
    assertThat(again.generated()).isFalse();
    assertThat(again.token()).isEqualTo(first.token());
    assertThat(again.authenticate("Bearer " + first.token())).isEqualTo(Principal.LOCAL);
    assertThatThrownBy(() -> again.authenticate("Bearer " + first.token() + "x")).isInstanceOf(AuthException.class);
    assertThatThrownBy(() -> again.authenticate("Basic abc")).isInstanceOf(AuthException.class);
    LocalTokenAuthenticator explicit = LocalTokenAuthenticator.fromStore(dir, "given-token");
    assertThat(explicit.authenticate("Bearer given-token")).isEqualTo(Principal.LOCAL);
    assertThatThrownBy(() -> explicit.authenticate("Bearer " + first.token())).isInstanceOf(AuthException.class);
  }
}
