package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the server list of an MCP host configuration file: Claude Desktop and Cursor ({@code "mcpServers"}) or VS Code
 * ({@code "servers"}). Each entry is {@code {"command", "args", "env", "cwd"}} for stdio or {@code {"url", "headers"}}
 * for HTTP, with an optional {@code "type"} ({@code stdio}, {@code http}, {@code sse}). Concierge adds optional keys:
 * {@code prefix}, {@code protocol} ({@code auto} or a version), {@code tools: {allow, deny}}, {@code timeoutMs},
 * {@code maxTimeoutMs}, {@code ttlMs}, {@code disabled}. Keys other hosts use are ignored.
 *
 * <p>{@code ${VAR}}, {@code ${VAR:-default}} and VS Code's {@code ${env:VAR}} are expanded from the environment in
 * URLs and headers here, and in commands, arguments and environment values when a stdio server starts.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** The enabled servers of a file, in file order. */
  public static List<ServerConfig> read(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return parse(text, System.getenv());
    } catch (IllegalArgumentException | McpException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses configuration text; {@code environment} is what {@code ${VAR}} refers to. */
  public static List<ServerConfig> parse(String text, Map<String, String> environment) {
    JsonNode root = Json.parse(text);
    JsonNode servers = root.has("mcpServers") ? root.get("mcpServers") : root.get("servers");
    if (!(servers instanceof ObjectNode entries)) {
      throw new IllegalArgumentException("expected an object \"mcpServers\" (or \"servers\") of server entries");
    }
    List<ServerConfig> out = new ArrayList<>();
    var it = entries.fields();
    while (it.hasNext()) {
      var entry = it.next();
      if (!(entry.getValue() instanceof ObjectNode server)) {
        throw new IllegalArgumentException("server '" + entry.getKey() + "' must be an object");
      }
      if (!server.path("disabled").asBoolean(false)) {
        out.add(server(entry.getKey(), server, environment));
      }
    }
    return out;
  }

  private static ServerConfig server(String name, ObjectNode node, Map<String, String> environment) {
    String type = Json.text(node, "type");
    String command = Json.text(node, "command");
    String url = Json.text(node, "url");
    if (type == null) {
      type = command != null ? "stdio" : url != null ? "http" : null;
    }
    if (type == null) {
      throw new IllegalArgumentException("server '" + name + "' needs a \"command\" or a \"url\"");
    }
    ServerConfig.Builder b = switch (type) {
      case "stdio" -> ServerConfig.stdio(name, command).args(strings(node, "args", name)).env(map(node, "env", name, null))
          .cwd(Json.text(node, "cwd") == null ? null : Path.of(Json.text(node, "cwd")));
      case "http", "streamable-http", "streamableHttp" -> ServerConfig.http(name, expand(url, environment, name))
          .headers(map(node, "headers", name, environment));
      case "sse" -> ServerConfig.sse(name, expand(url, environment, name)).headers(map(node, "headers", name, environment));
      default -> throw new IllegalArgumentException("server '" + name + "': unknown type '" + type
          + "' (expected stdio, http or sse)");
    };
    if (node.has("prefix")) {
      b.prefix(Json.text(node, "prefix"));
    }
    b.protocol(Json.text(node, "protocol"));
    ObjectNode tools = Json.obj(node, "tools");
    if (tools != null) {
      b.allowTools(strings(tools, "allow", name)).denyTools(strings(tools, "deny", name));
    }
    millis(node, "timeoutMs", name).ifPresent(b::requestTimeout);
    millis(node, "maxTimeoutMs", name).ifPresent(b::maxRequestTimeout);
    millis(node, "ttlMs", name).ifPresent(b::listTtl);
    return b.build();
  }

  private static String expand(String value, Map<String, String> environment, String server) {
    if (value == null) {
      throw new IllegalArgumentException("server '" + server + "' needs a \"url\"");
    }
    return EnvExpander.expand(value, environment);
  }

  private static List<String> strings(ObjectNode node, String field, String server) {
    JsonNode value = node.get(field);
    List<String> out = new ArrayList<>();
    if (value == null || value.isNull()) {
      return out;
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be an array of strings");
    }
    value.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static Map<String, String> map(ObjectNode node, String field, String server, Map<String, String> env) {
    JsonNode value = node.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return out;
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be an object of strings");
    }
    value.fields().forEachRemaining(e -> out.put(e.getKey(),
        env == null ? e.getValue().asText() : expand(e.getValue().asText(), env, server)));
    return out;
  }

  private static java.util.Optional<Duration> millis(ObjectNode node, String field, String server) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return java.util.Optional.empty();
    }
    if (!value.canConvertToLong() || value.asLong() < 0) {
      throw new IllegalArgumentException("server '" + server + "': \"" + field + "\" must be a non-negative integer");
    }
    return java.util.Optional.of(Duration.ofMillis(value.asLong()));
  }
}
