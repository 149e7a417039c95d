package dev.concierge.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerStatus;
import dev.concierge.gateway.auth.Authenticator;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.http.HttpFront;
import dev.concierge.gateway.mcp.EngineSettings;
import dev.concierge.gateway.mcp.Exchange;
import dev.concierge.gateway.mcp.ServerEngine;
import dev.concierge.gateway.stdio.StdioServer;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running gateway: the upstream servers of a {@link GatewayConfig} behind one MCP endpoint, over Streamable HTTP
 * (Jetty, both eras, plus legacy HTTP+SSE) or over stdio. Built with {@link #builder}; {@link #close} stops
 * everything it started.
 */
public final class Gateway implements AutoCloseable {
  private final MultiServerMCPClient client;
  private final ServerEngine engine;
  private final ExecutorService workers;
  private final ScheduledExecutorService housekeeping;
  private final Server jetty;
  private final HttpFront front;
  private final URI url;

  private Gateway(Builder b) throws Exception {
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> daemon(r, "concierge-gateway-" + threads.incrementAndGet()));
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "concierge-gateway-housekeeping"));
    AtomicReference<ServerEngine> engineRef = new AtomicReference<>();
    AtomicReference<GatewayHandler> handlerRef = new AtomicReference<>();
    this.client = MultiServerMCPClient.builder()
        .servers(b.config.servers())
        .clientInfo("concierge-gateway", dev.concierge.client.Version.CURRENT)
        // Every upstream logs everything to the gateway, which passes on what each downstream client asked for.
        .logLevel("debug")
        .sampling((origin, params) -> ask(origin, McpMethods.SAMPLING_CREATE_MESSAGE, params))
        .elicitation((origin, params) -> ask(origin, McpMethods.ELICITATION_CREATE, params))
        .onProgress((origin, progress, total, message) -> {
          Exchange exchange = GatewayHandler.exchangeOf(origin);
          if (exchange != null) {
            exchange.progress(progress, total, message);
          }
        })
        .onLog((origin, level, logger, data) -> {
          Exchange exchange = GatewayHandler.exchangeOf(origin);
          if (exchange != null) {
            exchange.log(level, logger, data);
          }
        })
        .onChange((server, what, uri) -> {
          ServerEngine engine = engineRef.get();
          if (engine == null) {
            return;
          }
          if (McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED.equals(what)) {
            handlerRef.get().toolsChanged();
          }
          if (McpMethods.NOTIFICATION_RESOURCES_UPDATED.equals(what)) {
            engine.resourceUpdated(uri, p -> true);
          } else {
            engine.listChanged(what, p -> true);
          }
        })
        .build();
    this.client.start();
    GatewayHandler handler = new GatewayHandler(client, b.config.views(), b.config.upstreamTimeout(), workers,
        b.memories, b.config::memoryPolicy);
    handlerRef.set(handler);
    this.engine = new ServerEngine(handler, b.engineSettings, System::currentTimeMillis, b.state);
    engineRef.set(engine);
    if (b.http) {
      QueuedThreadPool pool = new QueuedThreadPool(256, 8);
      pool.setName("concierge-http");
      pool.setDaemon(true);
      this.jetty = new Server(pool);
      org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
      http.setSendServerVersion(false); // nothing for a scanner to match against known vulnerabilities
      ServerConnector connector = new ServerConnector(jetty, new org.eclipse.jetty.server.HttpConnectionFactory(http));
      connector.setHost(b.host);
      connector.setPort(b.port);
      jetty.addConnector(connector);
      Set<String> hosts = new HashSet<>(b.config.allowedHosts());
      if (InetAddress.getByName(b.host).isLoopbackAddress()) {
        hosts.addAll(Set.of("localhost", "127.0.0.1", "[::1]", "::1"));
      } else if (!hosts.isEmpty()) {
        hosts.add(b.host);
      }
      this.front = new HttpFront(engine, b.authenticator, new HttpFront.Settings(b.maxBodyBytes, b.maxStreams,
          hosts, b.config.allowedOrigins(), b.config.publicUrl(), b.authorizationServers));
      jetty.setHandler(front);
      jetty.setStopTimeout(2000);
      jetty.start();
      String host = b.host.contains(":") ? "[" + b.host + "]" : b.host;
      this.url = URI.create("http://" + host + ":" + connector.getLocalPort() + HttpFront.MCP_PATH);
    } else {
      this.jetty = null;
      this.front = null;
      this.url = null;
    }
    // Keep-alive comments every few seconds: writing is how a server learns that a stream's client has gone.
    housekeeping.scheduleWithFixedDelay(this::tidy, b.keepAlive.toMillis(), b.keepAlive.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  /** The {@code /mcp} URL, or {@code null} for a stdio gateway. */
  public URI url() {
    return url;
  }

  /** The upstream servers' status. */
  public List<ServerStatus> servers() {
    return client.servers();
  }

  /** Serves one stdio client (the local user) until its input ends. */
  public void serveStdio(InputStream in, OutputStream out) throws IOException {
    new StdioServer(engine, Principal.LOCAL, out).run(in);
  }

  private CompletableFuture<ObjectNode> ask(CallOrigin origin, String method, ObjectNode params) {
    Exchange exchange = GatewayHandler.exchangeOf(origin);
    if (exchange == null) {
      return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
          "the gateway has no client to ask: " + method + " arrived outside any call"));
    }
    return exchange.ask(method, params);
  }

  private void tidy() {
    try {
      engine.expire();
      if (front != null) {
        front.housekeeping(engine::holds);
      }
    } catch (RuntimeException e) {
      System.getLogger(Gateway.class.getName()).log(System.Logger.Level.WARNING, "housekeeping failed", e);
    }
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    engine.shutdown();
    if (front != null) {
      front.shutdown();
    }
    if (jetty != null) {
      try {
        jetty.stop();
      } catch (Exception e) {
        // stopping anyway
      }
    }
    client.close();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Builds a {@link Gateway}. */
  public static final class Builder {
    private final GatewayConfig config;
    private String host = "127.0.0.1";
    private int port = 8080;
    private boolean http = true;
    private Authenticator authenticator;
    private EngineSettings engineSettings;
    private int maxBodyBytes = HttpFront.Settings.DEFAULT_MAX_BODY_BYTES;
    private int maxStreams = HttpFront.Settings.DEFAULT_MAX_STREAMS;
    private List<String> authorizationServers = List.of();
    private java.time.Duration keepAlive = java.time.Duration.ofSeconds(5);
    private dev.concierge.context.MemoryStore memories;
    private dev.concierge.context.StateStore state;

    private Builder(GatewayConfig config) {
      this.config = Objects.requireNonNull(config);
    }

    /** Address to listen on (default 127.0.0.1) and port (default 8080; 0 picks a free one). */
    public Builder listen(String value, int portValue) {
      this.host = value;
      this.port = portValue;
      return this;
    }

    /** Serve stdio only: no HTTP listener. */
    public Builder stdioOnly() {
      this.http = false;
      return this;
    }

    public Builder authenticator(Authenticator value) {
      this.authenticator = value;
      return this;
    }

    public Builder engine(EngineSettings value) {
      this.engineSettings = value;
      return this;
    }

    public Builder limits(int maxBody, int maxStreamsPerPrincipal) {
      this.maxBodyBytes = maxBody;
      this.maxStreams = maxStreamsPerPrincipal;
      return this;
    }

    /**
     * How often running requests and open streams get a keep-alive (default 5 s): a client that went away — which
     * for a 2026-07-28 client is how it cancels — is noticed within about twice this.
     */
    public Builder keepAlive(java.time.Duration value) {
      this.keepAlive = value;
      return this;
    }

    /**
     * The users' memory store: enables the built-in {@code memory} server ({@code memory__remember}, ...) and the
     * per-server context injection and capture of the config. The caller keeps ownership (closes it).
     */
    public Builder memory(dev.concierge.context.MemoryStore value) {
      this.memories = value;
      return this;
    }

    /**
     * Where sessions, shared secrets and messages between nodes live (default: this process only). Gateways given
     * one {@link dev.concierge.context.PostgresStateStore} database are interchangeable nodes. The caller closes it.
     */
    public Builder state(dev.concierge.context.StateStore value) {
      this.state = value;
      return this;
    }

    /** Issuers listed in the protected resource metadata (JWT mode). */
    public Builder authorizationServers(List<String> value) {
      this.authorizationServers = List.copyOf(value);
      return this;
    }

    public Gateway start() throws Exception {
      if (http && authenticator == null) {
        throw new IllegalStateException("an HTTP gateway needs an authenticator");
      }
      if (http && !authenticator.required() && !InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalArgumentException("--auth none is only allowed on a loopback address, not " + host);
      }
      if (state == null) {
        state = new dev.concierge.context.LocalStateStore(null);
      }
      if (engineSettings == null) {
        engineSettings = EngineSettings.defaults(state.secret("state-key"));
      }
      return new Gateway(this);
    }
  }
}
