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
    Set<String> allowedHosts, Set<String> allowedOrigins, String publicUrl, JsonNode jwt,
    Map<String, MemoryPolicy> memoryPolicies) {
  public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofMinutes(5);

  public GatewayConfig {
    memoryPolicies = memoryPolicies == null ? Map.of() : Map.copyOf(memoryPolicies);
  }

  /** A configuration without per-server memory policies (every server: no injection, no capture). */
  public GatewayConfig(List<ServerConfig> servers, ToolViews views, Duration upstreamTimeout, Set<String> allowedHosts,
      Set<String> allowedOrigins, String publicUrl, JsonNode jwt) {
    this(servers, views, upstreamTimeout, allowedHosts, allowedOrigins, publicUrl, jwt, Map.of());
  }

  /** The memory policy of a server ({@link MemoryPolicy#NONE} when its entry sets none). */
  public MemoryPolicy memoryPolicy(String server) {
    return memoryPolicies.getOrDefault(server, MemoryPolicy.NONE);
  }

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
    Map<String, MemoryPolicy> policies = new java.util.HashMap<>();
    JsonNode entries = Json.parse(text).has("mcpServers") ? Json.parse(text).get("mcpServers")
        : Json.parse(text).get("servers");
    for (ServerConfig s : servers) {
      policies.put(s.name(), MemoryPolicy.parse(s.name(), entries.path(s.name())));
    }
    return new GatewayConfig(servers, new ToolViews(rules), Duration.ofSeconds(timeout), strings(gateway,
        "allowedHosts"), strings(gateway, "allowedOrigins"), Json.text(gateway, "publicUrl"), jwt, policies);
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
