package dev.concierge.client;

import dev.concierge.protocol.ProtocolVersion;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one MCP server and how to present it. Immutable; build with {@link #stdio}, {@link #http} or
 * {@link #sse}, or read a whole {@code mcpServers} file with {@link ConfigFile}.
 */
public final class ServerConfig {
  /** How the client talks to the server. */
  public enum Transport { STDIO, STREAMABLE_HTTP, SSE }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String name;
  private final Transport transport;
  private final String command;
  private final List<String> args;
  private final Map<String, String> env;
  private final Path cwd;
  private final URI url;
  private final Map<String, String> headers;
  private final ProtocolVersion pinnedVersion;
  private final String prefix;
  private final List<String> allowTools;
  private final List<String> denyTools;
  private final Duration requestTimeout;
  private final Duration maxRequestTimeout;
  private final Duration listTtl;

  private ServerConfig(Builder b) {
    this.name = b.name;
    this.transport = b.transport;
    this.command = b.command;
    this.args = List.copyOf(b.args);
    this.env = Map.copyOf(b.env);
    this.cwd = b.cwd;
    this.url = b.url;
    this.headers = Map.copyOf(b.headers);
    this.pinnedVersion = b.pinnedVersion;
    this.prefix = b.prefix;
    this.allowTools = List.copyOf(b.allowTools);
    this.denyTools = List.copyOf(b.denyTools);
    this.requestTimeout = b.requestTimeout;
    this.maxRequestTimeout = b.maxRequestTimeout;
    this.listTtl = b.listTtl;
  }

  /** A server launched as a child process speaking newline-delimited JSON-RPC on stdin/stdout. */
  public static Builder stdio(String name, String command, String... args) {
    Builder b = new Builder(name, Transport.STDIO);
    b.command = requireText(command, "command of server '" + name + "'");
    b.args.addAll(List.of(args));
    return b;
  }

  /** A server behind a Streamable HTTP endpoint (falls back to legacy HTTP+SSE when the server is that old). */
  public static Builder http(String name, String url) {
    Builder b = new Builder(name, Transport.STREAMABLE_HTTP);
    b.url = parseUrl(name, url);
    return b;
  }

  /** A server on the deprecated 2024-11-05 HTTP+SSE transport ({@code url} is its SSE endpoint). */
  public static Builder sse(String name, String url) {
    Builder b = new Builder(name, Transport.SSE);
    b.url = parseUrl(name, url);
    return b;
  }

  public String name() {
    return name;
  }

  public Transport transport() {
    return transport;
  }

  public String command() {
    return command;
  }

  public List<String> args() {
    return args;
  }

  /** Extra environment for a stdio server; values are already {@code ${VAR}}-expanded. */
  public Map<String, String> env() {
    return env;
  }

  public Path cwd() {
    return cwd;
  }

  public URI url() {
    return url;
  }

  /** Static HTTP headers sent with every request (never logged). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The pinned protocol version, or empty for {@code protocol: auto}. */
  public Optional<ProtocolVersion> pinnedVersion() {
    return Optional.ofNullable(pinnedVersion);
  }

  /** Prefix of exposed names; {@code null} means "the server name", {@code ""} means no prefix. */
  public String prefix() {
    return prefix;
  }

  public List<String> allowTools() {
    return allowTools;
  }

  public List<String> denyTools() {
    return denyTools;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration maxRequestTimeout() {
    return maxRequestTimeout;
  }

  /** How long a list answer is cached when the server gives no {@code ttlMs}; zero disables caching. */
  public Duration listTtl() {
    return listTtl;
  }

  /** One line for status output; never includes headers or environment values. */
  public String describe() {
    return switch (transport) {
      case STDIO -> "stdio " + command + (args.isEmpty() ? "" : " " + String.join(" ", args));
      case STREAMABLE_HTTP -> "http " + url;
      case SSE -> "sse " + url;
    };
  }

  private static URI parseUrl(String name, String url) {
    requireText(url, "url of server '" + name + "'");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server '" + name + "': invalid url '" + url + "'");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("server '" + name + "': url must be http or https, was '" + url + "'");
    }
    return uri;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value;
  }

  /** Builds a {@link ServerConfig}; every setter validates at once and names the bad value. */
  public static final class Builder {
    private final String name;
    private final Transport transport;
    private String command;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path cwd;
    private URI url;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private ProtocolVersion pinnedVersion;
    private String prefix;
    private final List<String> allowTools = new ArrayList<>();
    private final List<String> denyTools = new ArrayList<>();
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration maxRequestTimeout = Duration.ofMinutes(10);
    private Duration listTtl = Duration.ofMinutes(5);

    private Builder(String name, Transport transport) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "server name '" + name + "' must be 1-64 characters of letters, digits, '_', '-' or '.'");
      }
      this.name = name;
      this.transport = Objects.requireNonNull(transport);
    }

    public Builder args(List<String> values) {
      args.addAll(values);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(requireText(key, "env key of server '" + name + "'"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder env(Map<String, String> values) {
      values.forEach(this::env);
      return this;
    }

    public Builder cwd(Path dir) {
      this.cwd = dir;
      return this;
    }

    public Builder header(String key, String value) {
      headers.put(requireText(key, "header name of server '" + name + "'"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder headers(Map<String, String> values) {
      values.forEach(this::header);
      return this;
    }

    /** Pins a protocol version ({@code "2025-11-25"}, ...); {@code "auto"} or {@code null} detects it. */
    public Builder protocol(String version) {
      this.pinnedVersion = version == null || version.equals("auto") ? null : ProtocolVersion.require(version);
      return this;
    }

    /** Prefix for exposed tool and prompt names; {@code ""} exposes the server's own names. */
    public Builder prefix(String value) {
      if (value != null && !value.isEmpty() && !value.matches("[A-Za-z0-9_-]{1,40}")) {
        throw new IllegalArgumentException("prefix '" + value + "' of server '" + name
            + "' must be 1-40 characters of letters, digits, '_' or '-'");
      }
      this.prefix = value;
      return this;
    }

    /** Only tools matching one of these names or globs ({@code *}, {@code ?}) are exposed. */
    public Builder allowTools(List<String> globs) {
      allowTools.addAll(globs);
      return this;
    }

    /** Tools matching one of these names or globs are hidden (deny wins over allow). */
    public Builder denyTools(List<String> globs) {
      denyTools.addAll(globs);
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    /** The hard cap that progress notifications cannot extend a request beyond. */
    public Builder maxRequestTimeout(Duration value) {
      this.maxRequestTimeout = positive(value, "maxRequestTimeout");
      return this;
    }

    public Builder listTtl(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("listTtl of server '" + name + "' must be zero or positive");
      }
      this.listTtl = value;
      return this;
    }

    public ServerConfig build() {
      if (maxRequestTimeout.compareTo(requestTimeout) < 0) {
        throw new IllegalArgumentException("server '" + name + "': maxRequestTimeout " + maxRequestTimeout
            + " is shorter than requestTimeout " + requestTimeout);
      }
      return new ServerConfig(this);
    }

    private Duration positive(Duration value, String what) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(what + " of server '" + name + "' must be positive, was " + value);
      }
      return value;
    }
  }
}
