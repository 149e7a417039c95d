package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest extends KeyStoreContract {
  @TempDir
  Path dir;
  private final List<String> seeded = new ArrayList<>();

  @Override
  KeyStore open() throws IOException {
    return new FileKeyStore(dir, clock);
  }

  @Override
  void seed(String id, String tenant, String user) throws IOException {
    seeded.add("{\"id\": \"" + id + "\", \"tenant\": \"" + tenant + "\", \"user\": \"" + user + "\", \"groups\": [], "
        + "\"created\": \"2027-01-01T00:00:00Z\", \"sha256\": \"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}");
    Files.writeString(dir.resolve(FileKeyStore.FILE), "{\"keys\": [" + String.join(",\n", seeded) + "]}\n");
  }

  @Test
  void theFileHoldsOnlyDigestsAndOnlyItsOwnerReadsIt() throws Exception {
    KeyStore.Issued issued = open().add("acme", "bob", Set.of("eng", "ops"), "laptop");
    Path file = dir.resolve(FileKeyStore.FILE);
    String secret = issued.key().substring(issued.key().lastIndexOf('_') + 1);
    assertThat(Files.readString(file)).doesNotContain(issued.key()).doesNotContain(secret)
        .contains(issued.info().id());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(new FileKeyStore(dir).verify(issued.key())).as("after a restart").isPresent();
  }

  @Test
  void aRevocationByAnotherProcessReachesARunningGatewayWithinASecond() throws Exception {
    FileKeyStore running = new FileKeyStore(dir, clock);
    KeyStore.Issued issued = running.add("acme", "bob", Set.of(), null);
    assertThat(running.verify(issued.key())).isPresent();

    FileKeyStore cli = new FileKeyStore(dir); // `concierge users revoke` elsewhere, same file
    assertThat(cli.revoke(issued.info().id())).isTrue();
    KeyStore.Issued added = cli.add("acme", "carol", Set.of(), null);
    assertThat(running.verify(issued.key())).as("checked at most once a second").isPresent();
    clock.advance(Duration.ofMillis(1001));
    assertThat(running.verify(issued.key())).isEmpty();
    assertThat(running.verify(added.key())).isPresent();
    assertThat(running.list()).extracting(KeyStore.KeyInfo::user).containsExactly("carol");
    assertThat(cli.revoke(issued.info().id())).as("already gone").isFalse();
  }

  @Test
  void aBrokenFileRefusesEveryKeyRatherThanResurrectingRevokedOnes() throws Exception {
    FileKeyStore store = new FileKeyStore(dir, clock);
    KeyStore.Issued issued = store.add("acme", "bob", Set.of(), null);
    Files.writeString(dir.resolve(FileKeyStore.FILE), "{\"keys\": [ {\"id\": ");
    clock.advance(Duration.ofSeconds(2));
    assertThat(store.verify(issued.key())).isEmpty();
    assertThatThrownBy(() -> new FileKeyStore(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("not a valid key file");
    assertThatThrownBy(() -> store.add("acme", "eve", Set.of(), null)).isInstanceOf(IOException.class);
    assertThatThrownBy(store::list).isInstanceOf(IOException.class);
    assertThat(Files.readString(dir.resolve(FileKeyStore.FILE))).as("not overwritten").startsWith("{\"keys\": [ {");
  }
}
