package dev.concierge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.ConfigFile;
import dev.concierge.client.ServerConfig;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gateway's configuration file: the {@code mcpServers} entries every MCP host understands, plus an optional
 * {@code gateway} object for what only a gateway needs.
 *
 * <pre>{@code
 * "gateway": {
 *   "views": [ {"groups": ["support"], "allow": ["tickets__*"], "deny": ["*__delete*"]} ],
 *   "upstreamTimeoutSeconds": 120,
 *   "allowedHosts": ["mcp.example.com"], "allowedOrigins": ["https://app.example.com"],
 *   "publicUrl": "https://mcp.example.com",
 *   "jwt": {"jwks": "https://idp.example.com/.well-known/jwks.json", "issuer": "...", "audience": "..."}
 * }
 * }</pre>
 */
public record GatewayConfig(List<ServerConfig> servers, ToolViews views, Duration upstreamTimeout,
    Set<String> allowedHosts, Set<String> allowedOrigins, String publicUrl, JsonNode jwt) {
  public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofMinutes(5);

  public static GatewayConfig read(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return parse(text, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static GatewayConfig parse(String text, Map<String, String> environment) {
    List<ServerConfig> servers = ConfigFile.parse(text, environment);
    JsonNode gateway = Json.parse(text).path("gateway");
    if (!gateway.isMissingNode() && !gateway.isObject()) {
      throw new IllegalArgumentException("\"gateway\" must be an object");
    }
    List<ToolViews.Rule> rules = new ArrayList<>();
    for (JsonNode rule : gateway.path("views")) {
      rules.add(new ToolViews.Rule(strings(rule, "users"), strings(rule, "groups"),
          List.copyOf(strings(rule, "allow")), List.copyOf(strings(rule, "deny"))));
    }
    long timeout = gateway.path("upstreamTimeoutSeconds").asLong(DEFAULT_UPSTREAM_TIMEOUT.toSeconds());
    if (timeout <= 0) {
      throw new IllegalArgumentException("gateway.upstreamTimeoutSeconds must be positive");
    }
    JsonNode jwt = gateway.get("jwt");
    return new GatewayConfig(servers, new ToolViews(rules), Duration.ofSeconds(timeout), strings(gateway,
        "allowedHosts"), strings(gateway, "allowedOrigins"), Json.text(gateway, "publicUrl"), jwt);
  }

  private static Set<String> strings(JsonNode node, String field) {
    JsonNode values = node.path(field);
    if (values.isMissingNode()) {
      return Set.of();
    }
    if (!values.isArray()) {
      throw new IllegalArgumentException("gateway: \"" + field + "\" must be an array of strings");
    }
    Set<String> out = new HashSet<>();
    for (JsonNode v : values) {
      if (!v.isTextual()) {
        throw new IllegalArgumentException("gateway: \"" + field + "\" must be an array of strings");
      }
      out.add(v.asText());
    }
    return out;
  }
}
