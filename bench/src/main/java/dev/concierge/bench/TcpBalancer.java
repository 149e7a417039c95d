package dev.concierge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A round-robin TCP balancer on loopback, doing what an L4 balancer (a Kubernetes Service, HAProxy in TCP mode) does:
 * each new client connection goes to the next node in turn, bytes are copied both ways, and a node that refuses the
 * connection is skipped. A connection stays on its node for its whole life, so requests spread as the client's
 * pooled connections do; when a node dies its connections break, and the client's next connection lands on a live
 * node. Copying bytes costs far less CPU than an HTTP-level proxy would on the cores the nodes share.
 */
final class TcpBalancer implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 1000;

  private final ServerSocket listener;
  private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "balancer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger next = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Map<InetSocketAddress, AtomicInteger> accepted = new ConcurrentHashMap<>();
  private volatile List<InetSocketAddress> nodes = List.of();

  TcpBalancer() throws IOException {
    listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    pumps.execute(this::acceptAll);
  }

  String url(String path) {
    return "http://127.0.0.1:" + listener.getLocalPort() + path;
  }

  /** The nodes new connections go to from now on; open connections stay where they are. */
  void route(List<InetSocketAddress> addresses) {
    nodes = List.copyOf(addresses);
  }

  /** Connections each node took since the last call, in the order of {@code addresses}; resets the counts. */
  Map<InetSocketAddress, Integer> takeConnectionCounts(List<InetSocketAddress> addresses) {
    Map<InetSocketAddress, Integer> counts = new LinkedHashMap<>();
    for (InetSocketAddress a : addresses) {
      AtomicInteger n = accepted.remove(a);
      counts.put(a, n == null ? 0 : n.get());
    }
    return counts;
  }

  private void acceptAll() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        pumps.execute(() -> relay(client));
      } catch (IOException e) {
        // closed: the run is over
      }
    }
  }

  private void relay(Socket client) {
    List<InetSocketAddress> targets = nodes;
    int first = Math.floorMod(next.getAndIncrement(), Math.max(1, targets.size()));
    for (int i = 0; i < targets.size(); i++) {
      InetSocketAddress node = targets.get((first + i) % targets.size());
      Socket upstream = new Socket();
      try {
        upstream.setTcpNoDelay(true);
        upstream.connect(node, CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        closeQuietly(upstream); // refused (a dead node): the next one gets the connection
        continue;
      }
      accepted.computeIfAbsent(node, a -> new AtomicInteger()).incrementAndGet();
      open.add(client);
      open.add(upstream);
      pumps.execute(() -> pump(upstream, client));
      pump(client, upstream);
      return;
    }
    closeQuietly(client); // no node took it
  }

  /** Copies until either side ends, then closes both: an HTTP connection has no use for being half open. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      from.setTcpNoDelay(true);
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // a side closed or broke (a killed node resets its connections): end both
    } finally {
      open.remove(from);
      open.remove(to);
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with it
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(TcpBalancer::closeQuietly);
    pumps.shutdownNow();
  }
}
