package dev.concierge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFileTest {
  @Test
  void readsClaudeDesktopCursorAndConciergeKeys() {
    List<ServerConfig> servers = ConfigFile.parse("""
        {"mcpServers": {
          "fs": {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "${TOKEN}"}, "prefix": "",
                 "tools": {"allow": ["read_*"], "deny": ["read_secret"]}, "timeoutMs": 5000, "ttlMs": 0},
          "remote": {"url": "https://${HOST}/mcp", "headers": {"Authorization": "Bearer ${env:TOKEN}"},
                     "protocol": "2025-06-18", "autoApprove": ["x"]},
          "old": {"type": "sse", "url": "http://127.0.0.1:1/sse"},
          "off": {"command": "x", "disabled": true}
        }}""", Map.of("TOKEN", "t0k", "HOST", "example.com"));
    assertThat(servers).extracting(ServerConfig::name).containsExactly("fs", "remote", "old");
    ServerConfig fs = servers.get(0);
    assertThat(fs.transport()).isEqualTo(ServerConfig.Transport.STDIO);
    assertThat(fs.args()).containsExactly("-y", "pkg");
    assertThat(fs.env()).containsEntry("TOKEN", "${TOKEN}"); // expanded when the process starts
    assertThat(fs.prefix()).isEmpty();
    assertThat(fs.allowTools()).containsExactly("read_*");
    assertThat(fs.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(fs.listTtl()).isZero();
    ServerConfig remote = servers.get(1);
    assertThat(remote.url().toString()).isEqualTo("https://example.com/mcp");
    assertThat(remote.headers()).containsEntry("Authorization", "Bearer t0k");
    assertThat(remote.pinnedVersion()).map(Object::toString).contains("2025-06-18");
    assertThat(servers.get(2).transport()).isEqualTo(ServerConfig.Transport.SSE);
  }

  @Test
  void readsVsCodeServers() {
    List<ServerConfig> servers = ConfigFile.parse(
        "{\"servers\": {\"a\": {\"type\": \"stdio\", \"command\": \"node\"}, \"b\": {\"type\": \"http\", \"url\": "
            + "\"http://127.0.0.1:9/mcp\"}}, \"inputs\": []}", Map.of());
    assertThat(servers).extracting(ServerConfig::transport)
        .containsExactly(ServerConfig.Transport.STDIO, ServerConfig.Transport.STREAMABLE_HTTP);
  }

  @Test
  void badEntriesAreRejectedWithTheServerNamed() {
    assertThatThrownBy(() -> ConfigFile.parse("{\"mcpServers\": {\"x\": {}}}", Map.of()))
        .hasMessageContaining("'x'").hasMessageContaining("command");
    assertThatThrownBy(() -> ConfigFile.parse("{\"mcpServers\": {\"x\": {\"url\": \"ftp://h\"}}}", Map.of()))
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> ConfigFile.parse("{\"mcpServers\": {\"x\": {\"command\": \"c\", \"protocol\": \"1999\"}}}",
        Map.of())).hasMessageContaining("unknown MCP protocol version '1999'");
    assertThatThrownBy(() -> ConfigFile.parse("{\"mcpServers\": {\"bad name\": {\"command\": \"c\"}}}", Map.of()))
        .hasMessageContaining("server name 'bad name'");
    assertThatThrownBy(() -> ConfigFile.parse("{\"mcpServers\": {\"x\": {\"url\": \"http://${NOPE}/\"}}}", Map.of()))
        .hasMessageContaining("NOPE");
    assertThatThrownBy(() -> ConfigFile.parse("{\"other\": 1}", Map.of())).hasMessageContaining("mcpServers");
  }
}
