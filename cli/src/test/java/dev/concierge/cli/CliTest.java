package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.testing.NodePeers;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands run in-process, as a user would run them, against the real server-everything over stdio. */
class CliTest {
  @TempDir
  static Path dir;
  static Path config;
  static Path broken;

  @BeforeAll
  static void writeConfigs() throws IOException {
    String everything = "\"everything\": {\"command\": \"" + NodePeers.node() + "\", \"args\": [\""
        + NodePeers.module("@modelcontextprotocol/server-everything/dist/index.js") + "\", \"stdio\"]}";
    config = Files.writeString(dir.resolve("mcp.json"), "{\"mcpServers\": {" + everything + "}}");
    broken = Files.writeString(dir.resolve("broken.json"), "{\"mcpServers\": {" + everything
        + ", \"ghost\": {\"command\": \"/nonexistent/mcp-server\"}}}");
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void serversPrintsOneLinePerServer() {
    Run r = run("servers", "--config", config.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines()).hasSize(2);
    assertThat(r.out()).containsPattern("everything\\s+stdio\\s+2025-11-25\\s+connected\\s+\\d+");
  }

  @Test
  void toolsPrintsTheAggregatedNamesSorted() {
    Run r = run("tools", "--config", config.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines()).contains("everything__echo").isSorted();
  }

  @Test
  void callPrintsTheTextAndJsonPrintsTheWholeResult() {
    Run text = run("call", "everything__echo", "--args", "{\"message\":\"hi\"}", "--config", config.toString());
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out().strip()).isEqualTo("Echo: hi");
    Run json = run("call", "everything__echo", "--args", "{\"message\":\"hi\"}", "--json", "--config",
        config.toString());
    assertThat(Json.parse(json.out()).get("content").get(0).get("text").asText()).isEqualTo("Echo: hi");
  }

  @Test
  void resourcesReadAndPromptsWork() {
    Run resources = run("resources", "--config", config.toString());
    assertThat(resources.out()).contains("demo://resource/static/document/features.md");
    Run read = run("read", "demo://resource/static/document/features.md", "--config", config.toString());
    assertThat(read.exit()).as(read.err()).isZero();
    assertThat(read.out()).isNotBlank();
    Run prompts = run("prompts", "--config", config.toString());
    assertThat(prompts.out()).contains("everything__simple-prompt");
  }

  @Test
  void aFailingServerIsOneLineOnStderrAndANonZeroExitWhileTheOthersStillAnswer() {
    Run r = run("tools", "--config", broken.toString());
    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.out()).contains("everything__echo");
    assertThat(r.err().lines().filter(l -> l.startsWith("error: server 'ghost'"))).hasSize(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void badUsageAndBadCallsGiveClearErrors() {
    assertThat(run("tools", "--config", dir.resolve("missing.json").toString()).exit()).isEqualTo(Main.FAILED);
    Run badArgs = run("call", "everything__echo", "--args", "[1]", "--config", config.toString());
    assertThat(badArgs.exit()).isEqualTo(Main.USAGE);
    assertThat(badArgs.err()).contains("--args must be a JSON object");
    Run notJson = run("call", "everything__echo", "--args", "{oops", "--config", config.toString());
    assertThat(notJson.exit()).isEqualTo(Main.USAGE);
    assertThat(notJson.err()).contains("--args is not valid JSON");
    Run unknown = run("call", "everything__nope", "--config", config.toString());
    assertThat(unknown.exit()).isEqualTo(Main.FAILED);
    assertThat(unknown.err()).contains("Unknown tool: everything__nope");
  }
}
