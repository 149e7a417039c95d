package dev.concierge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the cluster benchmark runs against, set up once and torn down in reverse on close, also after a failure: a
 * fresh schema in the given database (so that runs never see each other's sessions, and reruns start clean), the
 * echo upstream in this process, a servers.json naming it, the gateway nodes, and the balancer in front of them.
 */
final class Cluster implements AutoCloseable {
  private final ClusterOptions options;
  /** The local token every node accepts; new per run. */
  final String token;
  private final Path dir;
  private final String schema = "concierge_bench_" + System.currentTimeMillis();
  private final List<GatewayNode> everStarted = new ArrayList<>();
  /** The nodes in service, in balancer order; a killed node's slot gets its restarted successor. */
  final List<GatewayNode> nodes = new ArrayList<>();
  String postgresVersion = "?";
  private boolean schemaCreated;
  private EchoUpstream upstream;
  private GatewayNode.Launcher launcher;
  private TcpBalancer balancer;

  private Cluster(ClusterOptions options) throws IOException {
    this.options = options;
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    this.dir = Files.createTempDirectory("concierge-cluster-bench");
  }

  static Cluster start(ClusterOptions options) throws Exception {
    if (!Files.isRegularFile(options.jar)) {
      throw new IllegalArgumentException(options.jar.toAbsolutePath() + " is missing: build it (mvn -B -q "
          + "-DskipTests install -pl cli -am) or pass --jar");
    }
    Cluster cluster = new Cluster(options);
    try {
      cluster.setUp();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  private void setUp() throws Exception {
    String store = createSchema();
    upstream = new EchoUpstream();
    ObjectNode servers = Json.object();
    servers.putObject("mcpServers").putObject("echo").put("url", upstream.url()).put("prefix", "");
    Path config = dir.resolve("servers.json");
    Files.writeString(config, Json.write(servers));
    launcher = new GatewayNode.Launcher(options.jar.toAbsolutePath(), options.nodeJavaOptions, config, store, token,
        dir);
    for (int i = 0; i < options.nodes; i++) {
      // One at a time: the first migrates the schema under an advisory lock the others would only wait on, and on
      // two cores parallel JVM start-ups mostly slow each other down.
      nodes.add(launch("node-" + i));
    }
    balancer = new TcpBalancer();
  }

  /** The balancer's MCP endpoint. */
  String url() {
    return balancer.url("/mcp");
  }

  /** New connections go to the first {@code count} nodes. */
  void route(int count) {
    balancer.route(addresses().subList(0, count));
  }

  /** Connections each node in service took since the last call. */
  List<Integer> takeConnectionCounts() {
    return List.copyOf(balancer.takeConnectionCounts(addresses()).values());
  }

  /** Starts a new node in the killed one's slot and puts it behind the balancer once it is ready. */
  GatewayNode restart(int index) throws Exception {
    GatewayNode node = launch(nodes.get(index).name + "-restarted");
    nodes.set(index, node);
    route(nodes.size());
    return node;
  }

  /** Every node started, restarts included, for their start-up times. */
  List<GatewayNode> everStarted() {
    return List.copyOf(everStarted);
  }

  private GatewayNode launch(String name) throws Exception {
    GatewayNode node = launcher.start(name);
    everStarted.add(node);
    System.err.printf("  %s at %s: listening after %.1f s, ready after %.1f s%n", name, node.address(),
        node.listeningSeconds, node.readySeconds);
    return node;
  }

  private List<InetSocketAddress> addresses() {
    return nodes.stream().map(GatewayNode::address).toList();
  }

  /** Creates this run's schema; returns the store URL whose tables live there. */
  private String createSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(options.store); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
      schemaCreated = true;
      try (ResultSet rs = st.executeQuery("SHOW server_version")) {
        postgresVersion = rs.next() ? rs.getString(1) : "?";
      }
    }
    return options.store + (options.store.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Everything in reverse order of start; each step runs even when an earlier one failed. */
  @Override
  public void close() {
    if (balancer != null) {
      balancer.close();
    }
    everStarted.forEach(GatewayNode::close);
    if (upstream != null) {
      try {
        upstream.close();
      } catch (Exception e) {
        System.err.println("cluster bench: the echo upstream did not stop: " + e);
      }
    }
    if (options.keep) {
      System.err.println("cluster bench: kept schema " + schema + " and the nodes' logs in " + dir);
      return;
    }
    if (schemaCreated) {
      try (Connection c = DriverManager.getConnection(options.store); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("cluster bench: could not drop schema " + schema + ": " + e.getMessage());
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      System.err.println("cluster bench: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
