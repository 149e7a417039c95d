package dev.concierge.client.testing;

import dev.concierge.client.ServerConfig;
import java.nio.file.Path;

/**
 * A server-everything on one transport that a test can point clients at, crash and bring back, whoever runs the
 * process: the client itself (stdio) or the test ({@link EverythingServer} for the HTTP transports).
 */
public interface EverythingPeer extends AutoCloseable {
  /** A config reaching this server under the server name {@code name}. */
  ServerConfig.Builder config(String name);

  /** Kills the server's process tree (SIGKILL) at once, as a crash would. */
  void crash();

  /**
   * Makes the server reachable again after {@link #crash()}: nothing for stdio (the client starts a new process on
   * its next call), a new server on the same port for HTTP.
   */
  void recover();

  /** Stops whatever still runs. */
  @Override
  void close();

  /**
   * Stdio peer: each client spawns its own process; crashing kills every process started with this peer's config.
   *
   * @param captureFile where the server records the requests it reads, or {@code null}
   */
  static EverythingPeer stdio(Path captureFile) {
    String marker = EverythingServer.newMarker();
    return new EverythingPeer() {
      @Override
      public ServerConfig.Builder config(String name) {
        return EverythingServer.stdio(name, marker, captureFile);
      }

      @Override
      public void crash() {
        if (EverythingServer.killStdio(marker) == 0) {
          throw new IllegalStateException("no running stdio server-everything to crash");
        }
      }

      @Override
      public void recover() {
        // the client restarts the process on its next call
      }

      @Override
      public void close() {
        EverythingServer.killStdio(marker); // normally none left: the clients stop their own processes
      }
    };
  }

  /** HTTP peer ({@code /mcp} or {@code /sse}) on a free loopback port, started now. */
  static EverythingPeer http(EverythingServer.Mode mode, Path captureFile) {
    EverythingServer server = EverythingServer.start(mode, captureFile);
    return new EverythingPeer() {
      @Override
      public ServerConfig.Builder config(String name) {
        return mode == EverythingServer.Mode.SSE ? ServerConfig.sse(name, server.url())
            : ServerConfig.http(name, server.url());
      }

      @Override
      public void crash() {
        server.kill();
      }

      @Override
      public void recover() {
        server.relaunch();
      }

      @Override
      public void close() {
        server.close();
      }

      @Override
      public String toString() {
        return "server-everything " + mode + " at " + server.url();
      }
    };
  }
}
