package dev.concierge.gateway.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens, digests, constant-time comparison and owner-only files: the small pieces every credential needs. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private Secrets() {}

  /** {@code bytes} random bytes as unpadded base64url. */
  public static String randomToken(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  static byte[] randomBytes(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }

  public static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Compares two secrets in time independent of where they differ: both are hashed first, so neither the position of
   * the first difference nor the length of the real secret shows in the timing.
   */
  public static boolean sameSecret(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(sha256(a), sha256(b));
  }

  /**
   * Writes {@code content} to {@code file} atomically (a reader sees the old file or the new one, never half of it),
   * readable by the owner only where the file system has POSIX permissions; elsewhere the directory's protection
   * applies.
   */
  public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path tmp = tempWith(file, content);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Like {@link #writeOwnerOnly} but only when {@code file} does not exist yet, atomically even against another
   * process doing the same (two gateways starting at once must not each keep a different token).
   *
   * @return {@code false} when the file already existed; it is left as it was
   */
  public static boolean createOwnerOnly(Path file, byte[] content) throws IOException {
    Path tmp = tempWith(file, content);
    try {
      linkOrMove(tmp, file);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A hard link fails if {@code file} exists, with no window between check and creation; a move is the fallback. */
  private static void linkOrMove(Path tmp, Path file) throws IOException {
    try {
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.move(tmp, file); // no hard links on this file system: still refuses an existing file
    }
  }

  /**
   * The 256-bit key in {@code file}, created on first use. Kept so that a restarted gateway (or another node on the
   * same directory) accepts what this one signed.
   */
  public static byte[] keyFile(Path file) throws IOException {
    byte[] kept = Files.exists(file) ? Files.readAllBytes(file) : null;
    if (kept != null && kept.length >= 32) {
      return kept;
    }
    byte[] key = randomBytes(32);
    if (kept != null) {
      writeOwnerOnly(file, key); // too short to be one of ours: replace it
      return key;
    }
    return createOwnerOnly(file, key) ? key : Files.readAllBytes(file);
  }

  /** Creates {@code dir} (and missing parents) owner-only where POSIX permissions exist; existing ones are kept. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Owner-only permissions for a file being created, or none where the file system has no POSIX permissions. */
  static FileAttribute<?>[] ownerOnly() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  /** A complete, synced, owner-only sibling of {@code file}, ready to be moved or linked into place. */
  private static Path tempWith(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    createPrivateDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true); // the rename must not land before the bytes do
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }
}
