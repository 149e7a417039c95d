package dev.concierge.client.eras;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small stateless MCP server of the 2026-07-28 revision, written from the spec alone, for testing clients (and the
 * seed of Concierge's own server side). One {@link ModernDispatcher} serves either Streamable HTTP at {@code /mcp}
 * on Jetty 12 ({@link #startHttp}: 127.0.0.1, port 0) or stdio ({@link #main}, run as a child JVM with
 * {@link #stdioCommand}).
 *
 * <p>Lifecycle: {@code startHttp()}, {@link #endpoint()}, {@link #close()} (ends listen streams gracefully, then
 * stops Jetty). What it serves: see {@link ModernCatalog}; limits: 4 MiB request bodies, listen streams idle-pinged
 * every 500 ms.
 */
public final class ModernTestServer implements AutoCloseable {
  private final ModernDispatcher dispatcher;
  private final Server jetty;
  private final ServerConnector connector;

  private ModernTestServer(ModernDispatcher dispatcher, int port) {
    this.dispatcher = dispatcher;
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("modern-test-server");
    threads.setDaemon(true);
    this.jetty = new Server(threads);
    this.connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    jetty.addConnector(connector);
    jetty.setHandler(new ModernHttpHandler(dispatcher));
    jetty.setStopTimeout(2_000);
  }

  /** A fresh dispatcher: its own catalog, listen streams and signing key. */
  static ModernDispatcher newDispatcher() {
    ListenHub hub = new ListenHub();
    ModernCatalog catalog = new ModernCatalog(new RequestStateCodec(Duration.ofMinutes(5), Clock.systemUTC()), hub);
    return new ModernDispatcher(catalog, hub);
  }

  /** Starts a server on 127.0.0.1 at a free port. */
  public static ModernTestServer startHttp() throws Exception {
    return startHttp(0);
  }

  /** Starts a server on 127.0.0.1 at {@code port} (0: a free one), e.g. to bring one back where it was. */
  public static ModernTestServer startHttp(int port) throws Exception {
    ModernTestServer server = new ModernTestServer(newDispatcher(), port);
    server.jetty.start();
    return server;
  }

  /** The MCP endpoint, e.g. {@code http://127.0.0.1:41234/mcp}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + ModernHttpHandler.PATH);
  }

  /** How many {@code subscriptions/listen} streams are open right now. */
  public int openListenStreams() {
    return dispatcher.hub().size();
  }

  @Override
  public void close() {
    dispatcher.hub().shutdown();
    stop(jetty);
  }

  /** Stops Jetty; a failure to stop is a broken test fixture, so it is not checked. */
  static void stop(Server jetty) {
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop Jetty", e);
    }
  }

  /** The command line that runs the stdio server in a child JVM with this JVM's class path. */
  public static List<String> stdioCommand(String... flags) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), ModernTestServer.class.getName()));
    command.addAll(List.of(flags));
    return command;
  }

  /** Serves stdio until stdin ends. Flags: see {@link ModernStdioServer}. */
  public static void main(String[] args) throws Exception {
    List<String> flags = List.of(args);
    new ModernStdioServer(newDispatcher(), System.out, flags.contains("--misbehave"))
        .run(System.in, flags.contains("--silent"));
  }
}
