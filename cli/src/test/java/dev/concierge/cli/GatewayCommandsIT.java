package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.client.testing.NodePeers;
import dev.concierge.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code concierge stdio} and {@code concierge serve} as a user runs them ({@code bin/concierge}, the shaded jar), with
 * server-everything behind them and our own client in front.
 */
class GatewayCommandsIT {
  static Path repo() {
    String configured = System.getProperty("concierge.repo.dir");
    return configured != null && !configured.isBlank() ? Path.of(configured).toAbsolutePath()
        : NodePeers.dir().getParent().getParent();
  }

  /** A servers.json with server-everything over stdio, in {@code dir}. */
  static Path config(Path dir) throws Exception {
    var servers = Json.object();
    var everything = servers.putObject("mcpServers").putObject("everything");
    everything.put("command", NodePeers.node().toString());
    everything.putArray("args").add(EverythingServer.script().toString()).add("stdio");
    Path file = dir.resolve("servers.json");
    Files.writeString(file, Json.write(servers));
    return file;
  }

  @Test
  void stdioServesTheConfiguredServersAsOne(@TempDir Path dir) throws Exception {
    Path config = config(dir);
    ServerConfig gateway = ServerConfig.stdio("gw", repo().resolve("bin/concierge").toString())
        .args(List.of("stdio", "--config", config.toString(), "--store", dir.resolve("store").toString()))
        .prefix("").build();
    try (MultiServerMCPClient client = MultiServerMCPClient.builder().server(gateway).build()) {
      client.start();
      assertThat(client.servers().get(0).error()).isNull();
      assertThat(client.listTools().items()).extracting(NamedTool::name).contains("everything__echo");
      assertThat(client.callTool("everything__echo", Map.of("message", "via stdio")).text())
          .isEqualTo("Echo: via stdio");
    }
  }

  @Test
  void serveAcceptsItsLocalTokenOnly(@TempDir Path dir) throws Exception {
    Path config = config(dir);
    ProcessBuilder builder = new ProcessBuilder(repo().resolve("bin/concierge").toString(), "serve", "--config",
        config.toString(), "--port", "0", "--store", dir.resolve("store").toString())
        .redirectError(dir.resolve("serve-stderr.txt").toFile());
    builder.environment().put("CONCIERGE_TOKEN", "it-token");
    Process serve = builder.start();
    try {
      String url = null;
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("Concierge gateway listening on ")) {
          url = line.substring("Concierge gateway listening on ".length()).split(" ")[0];
          break;
        }
      }
      assertThat(url).as("serve printed its URL").isNotNull();
      ServerConfig good = ServerConfig.http("gw", url).prefix("").header("Authorization", "Bearer it-token").build();
      try (MultiServerMCPClient client = MultiServerMCPClient.builder().server(good).build()) {
        client.start();
        assertThat(client.callTool("everything__echo", Map.of("message", "via serve")).text())
            .isEqualTo("Echo: via serve");
      }
      ServerConfig bad = ServerConfig.http("gw", url).header("Authorization", "Bearer wrong").build();
      try (MultiServerMCPClient client = MultiServerMCPClient.builder().server(bad).build()) {
        assertThat(client.start().get(0).error()).contains("Unauthorized");
      }
    } finally {
      serve.descendants().forEach(ProcessHandle::destroy);
      serve.destroy();
      if (!serve.waitFor(10, TimeUnit.SECONDS)) {
        serve.descendants().forEach(ProcessHandle::destroyForcibly);
        serve.destroyForcibly();
      }
    }
  }
}
