package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.testing.NodePeers;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.fixture.FixtureHandler;
import dev.concierge.gateway.fixture.FixtureServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official conformance suite's {@code server} command against the gateway, for both spec revisions, with the
 * Java fixture server behind it ({@code "prefix": ""}, so the scenarios find their tools by bare name) once over
 * stdio (a child JVM) and once over Streamable HTTP. Every scenario must pass: the suite's exit code says so.
 * Reports are under {@code gateway/target/conformance-server}.
 */
class ConformanceServerTest {
  private static final long RUN_LIMIT_MINUTES = 6;
  private static Server fixtureHttp;
  private static Gateway overHttp;
  private static Gateway overStdio;

  @BeforeAll
  static void start() throws Exception {
    fixtureHttp = FixtureServer.http(FixtureServer.engine(new FixtureHandler()), 0);
    String fixtureUrl = fixtureHttp.getURI().resolve("/mcp").toString();
    overHttp = gateway(ServerConfig.http("fixture", fixtureUrl).prefix("").build());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    overStdio = gateway(ServerConfig.stdio("fixture", java).args(List.of("-cp",
        System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", FixtureServer.class.getName(), "stdio"))
        .prefix("").build());
  }

  private static Gateway gateway(ServerConfig upstream) throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(upstream), ToolViews.OPEN, Duration.ofSeconds(30), Set.of(),
        Set.of(), null, null);
    Gateway gateway = Gateway.builder(config).listen("127.0.0.1", 0).authenticator(a -> Principal.LOCAL).start();
    assertThat(gateway.servers()).allSatisfy(s -> assertThat(s.error()).isNull());
    return gateway;
  }

  @AfterAll
  static void stop() throws Exception {
    if (overHttp != null) {
      overHttp.close();
    }
    if (overStdio != null) {
      overStdio.close();
    }
    if (fixtureHttp != null) {
      try {
        fixtureHttp.stop();
      } catch (java.util.concurrent.TimeoutException e) {
        // streams still open after the grace period: stopped anyway
      }
    }
  }

  @ParameterizedTest(name = "{0} upstream, requirements {1}")
  @CsvSource({"http, 2025-11-25", "http, 2026-07-28", "stdio, 2025-11-25", "stdio, 2026-07-28"})
  void everyScenarioPasses(String upstream, String revision) throws Exception {
    Gateway gateway = upstream.equals("http") ? overHttp : overStdio;
    Path dir = Files.createDirectories(Path.of("target", "conformance-server", upstream + "-" + revision));
    Path stdout = dir.resolve("suite-stdout.txt");
    Path stderr = dir.resolve("suite-stderr.txt");
    List<String> command = new ArrayList<>(List.of(NodePeers.node().toString(),
        NodePeers.module("@modelcontextprotocol/conformance/dist/index.js").toString(), "server",
        "--url", gateway.url().toString(), "--requirements", revision, "-o", dir.resolve("results").toString()));
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .start();
    try {
      if (!process.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String summary = read(stdout);
    assertThat(process.exitValue()).as("conformance server --requirements %s through the gateway (%s upstream):\n%s",
        revision, upstream, summary).isZero();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
