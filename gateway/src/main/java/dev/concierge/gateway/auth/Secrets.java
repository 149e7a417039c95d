package dev.concierge.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens, digests, constant-time comparison and owner-only files: the small pieces every credential needs. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** {@code bytes} random bytes as unpadded base64url. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Compares two secrets in time independent of where they differ (both are hashed first). */
  public static boolean sameSecret(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(sha256(a), sha256(b));
  }

  /** Writes {@code content} to {@code file} atomically, readable by the owner only (where the file system can say). */
  public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
      Files.write(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The 256-bit key in {@code file}, created on first use. Kept so that a restarted gateway (or another node on the
   * same directory) accepts what this one signed.
   */
  public static byte[] keyFile(Path file) throws IOException {
    if (Files.exists(file)) {
      byte[] key = Files.readAllBytes(file);
      if (key.length >= 32) {
        return key;
      }
    }
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    writeOwnerOnly(file, key);
    return key;
  }
}
