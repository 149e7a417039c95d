package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.internal.CallerWaits;
import dev.concierge.client.internal.ClientEnvironment;
import dev.concierge.client.internal.InterceptorChain;
import dev.concierge.client.internal.McpSession;
import dev.concierge.client.internal.ServerConnection;
import dev.concierge.client.internal.TransportFactory;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.protocol.model.CompleteResult;
import dev.concierge.protocol.model.GetPromptResult;
import dev.concierge.protocol.model.Implementation;
import dev.concierge.protocol.model.ReadResourceResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many MCP servers used as one: their tools, prompts and resources under stable names, every call routed to its
 * server, every aggregate answer saying which servers answered.
 *
 * <pre>{@code
 * try (MultiServerMCPClient client = MultiServerMCPClient.fromConfig(Path.of("mcp.json"))) {
 *   client.listTools().items().forEach(t -> System.out.println(t.name()));
 *   CallToolResult r = client.callTool("everything__echo", Map.of("message", "hi"));
 *   System.out.println(r.text());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Servers connect concurrently on {@link #start()} (or on first use); one failing server never fails
 * the others. The tool list is sorted by exposed name, so the same servers always give the same list, byte for byte.
 */
public final class MultiServerMCPClient implements AutoCloseable {
  private final Map<String, ServerConnection> servers;
  private final List<CallInterceptor> interceptors;
  private final Catalog catalog;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;

  private MultiServerMCPClient(Builder b) {
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> daemon(r, "concierge-worker-" + threads.incrementAndGet()));
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "concierge-timer"));
    timer.setRemoveOnCancelPolicy(true); // a timeout sweep is cancelled when an earlier deadline comes in
    this.scheduler = timer;
    TransportFactory transports = b.transports != null ? b.transports : new dev.concierge.client.internal.Transports();
    ClientEnvironment env = new ClientEnvironment(b.clientInfo, b.sampling, b.elicitation, b.roots, b.progress, b.log,
        b.changes, b.headers, b.meta, b.logLevel, b.probeTimeout, transports, scheduler, executor, System::nanoTime);
    Map<String, ServerConnection> map = new LinkedHashMap<>();
    b.servers.forEach((name, config) -> map.put(name, new ServerConnection(config, env)));
    this.servers = map;
    this.interceptors = List.copyOf(b.interceptors);
    this.catalog = new Catalog(map, b.naming, executor);
    if (b.healthCheckInterval != null) {
      long every = b.healthCheckInterval.toMillis();
      scheduler.scheduleWithFixedDelay(() -> map.values().forEach(c -> executor.execute(() ->
          c.checkHealth(b.healthCheckInterval))), every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A client for every server of an {@code mcpServers} (or VS Code {@code servers}) JSON file. */
  public static MultiServerMCPClient fromConfig(Path file) throws IOException {
    return builder().servers(ConfigFile.read(file)).build();
  }

  /**
   * Connects every server concurrently, lists their tools, and reports how each did. Never throws for a server's
   * failure.
   */
  public List<ServerStatus> start() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServerConnection connection : servers.values()) {
      all.add(CompletableFuture.runAsync(() -> {
        try {
          connection.connect();
        } catch (RuntimeException ignored) {
          // recorded by the connection; reported in the status
        }
      }, executor));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    return catalog.tools().servers(); // listing fills in each server's tool count
  }

  /** The status of every configured server, in configuration order. */
  public List<ServerStatus> servers() {
    return catalog.statuses();
  }

  /** Every tool of every reachable server, sorted by exposed name. */
  public Listing<NamedTool> listTools() {
    return catalog.tools();
  }

  /** Every prompt of every reachable server, sorted by exposed name. */
  public Listing<NamedPrompt> listPrompts() {
    return catalog.prompts();
  }

  /** Every resource of every reachable server, sorted by URI then server. */
  public Listing<ServerResource.Item> listResources() {
    return catalog.resources();
  }

  /** Every resource template, sorted by URI template then server. */
  public Listing<ServerResource.Template> listResourceTemplates() {
    return catalog.templates();
  }

  public CallToolResult callTool(String name, Map<String, ?> arguments) {
    return callTool(name, Json.mapper().valueToTree(arguments == null ? Map.of() : arguments), CallContext.EMPTY, null);
  }

  /**
   * Calls a tool by its exposed name. A tool that ran and failed is a result with {@code isError}; a call that could
   * not be made throws a {@link McpClientException} naming the server.
   *
   * @param timeout per-call timeout (progress restarts it, up to the server's hard cap), or {@code null}
   */
  public CallToolResult callTool(String name, JsonNode arguments, CallContext context, Duration timeout) {
    return await(CallerWaits.during(McpMethods.TOOLS_CALL, () -> callToolAsync(name, arguments, context, timeout)));
  }

  /** Like {@link #callTool} without blocking; cancelling the future cancels the call on the server. */
  public CompletableFuture<CallToolResult> callToolAsync(String name, JsonNode arguments, CallContext context,
      Duration timeout) {
    Catalog.Route route = catalog.toolRoute(name);
    ObjectNode params = Json.object().put("name", route.originalName());
    params.set("arguments", arguments == null || arguments.isNull() ? Json.object() : arguments);
    CompletableFuture<JsonNode> sent = send(new McpCall(route.server(), McpMethods.TOOLS_CALL, params, context,
        timeout));
    CompletableFuture<CallToolResult> result = sent.thenApply(r -> new CallToolResult((ObjectNode) r));
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        sent.cancel(true); // a derived future does not pass cancellation back by itself
      }
    });
    return result;
  }

  /** Renders a prompt by its exposed name. */
  public GetPromptResult getPrompt(String name, Map<String, String> arguments, CallContext context) {
    Catalog.Route route = catalog.promptRoute(name);
    ObjectNode params = Json.object().put("name", route.originalName());
    params.set("arguments", Json.mapper().valueToTree(arguments == null ? Map.of() : arguments));
    return new GetPromptResult((ObjectNode) call(new McpCall(route.server(), McpMethods.PROMPTS_GET, params, context,
        null)));
  }

  /** Reads a resource from the one server that lists it (or whose template matches it). */
  public ReadResourceResult readResource(String uri, CallContext context) {
    return readResource(catalog.resourceServer(uri), uri, context);
  }

  /**
   * The server that lists resource {@code uri} (or whose template matches it).
   *
   * @throws McpClientException {@code -32602} when none does, or several do
   */
  public String resourceServer(String uri) {
    return catalog.resourceServer(uri);
  }

  /** Reads a resource from a named server. */
  public ReadResourceResult readResource(String server, String uri, CallContext context) {
    connection(server);
    ObjectNode params = Json.object().put("uri", uri);
    return new ReadResourceResult((ObjectNode) call(new McpCall(server, McpMethods.RESOURCES_READ, params, context,
        null)));
  }

  /**
   * Completion of a prompt argument ({@code promptName} is the exposed name) with the values typed so far.
   *
   * @param contextArguments arguments already chosen, or an empty map
   */
  public CompleteResult completePrompt(String promptName, String argument, String value,
      Map<String, String> contextArguments) {
    Catalog.Route route = catalog.promptRoute(promptName);
    ObjectNode ref = Json.object().put("type", "ref/prompt").put("name", route.originalName());
    return complete(route.server(), ref, argument, value, contextArguments);
  }

  /** Completion of a resource template argument. */
  public CompleteResult completeResourceTemplate(String uriTemplate, String argument, String value,
      Map<String, String> contextArguments) {
    String server = catalog.templateServer(uriTemplate);
    ObjectNode ref = Json.object().put("type", "ref/resource").put("uri", uriTemplate);
    return complete(server, ref, argument, value, contextArguments);
  }

  private CompleteResult complete(String server, ObjectNode ref, String argument, String value,
      Map<String, String> contextArguments) {
    ObjectNode params = Json.object();
    params.set("ref", ref);
    params.set("argument", Json.object().put("name", argument).put("value", value));
    if (contextArguments != null && !contextArguments.isEmpty()) {
      params.set("context", Json.object().set("arguments", Json.mapper().valueToTree(contextArguments)));
    }
    return new CompleteResult((ObjectNode) call(new McpCall(server, McpMethods.COMPLETION_COMPLETE, params,
        CallContext.EMPTY, null)));
  }

  /** Subscribes to updates of a resource; updates reach the change listener. Survives reconnects. */
  public void subscribe(String server, String uri) {
    connection(server).subscribe(uri);
  }

  public void unsubscribe(String server, String uri) {
    connection(server).unsubscribe(uri);
  }

  /** Health check of one server ({@code ping}, or {@code server/discover} for 2026-07-28 servers). */
  public ServerStatus ping(String server, Duration timeout) {
    try {
      connection(server).ping(timeout);
    } catch (McpClientException e) {
      // reported in the status
    }
    return catalog.status(connection(server));
  }

  /** Sends any request through the interceptors to a server; the building block of the typed methods above. */
  public CompletableFuture<JsonNode> send(McpCall call) {
    ServerConnection connection = connection(call.server());
    if (interceptors.isEmpty()) { // nothing can block before the request is on the wire: no thread waits for it
      return connection.request(call.method(), call.params(), new CallOrigin(call.server(), call.method(),
          call.name(), call.context()), call.timeout());
    }
    AtomicReference<CompletableFuture<JsonNode>> inFlight = new AtomicReference<>();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    result.whenComplete((v, e) -> {
      CompletableFuture<JsonNode> inner = inFlight.get();
      if (result.isCancelled() && inner != null) {
        inner.cancel(true);
      }
    });
    Runnable run = () -> {
      try {
        JsonNode value = new InterceptorChain(interceptors, call, c -> {
          CompletableFuture<JsonNode> inner = CallerWaits.during(c.method(), () -> connection.request(c.method(),
              c.params(), new CallOrigin(c.server(), c.method(), c.name(), c.context()), c.timeout()));
          inFlight.set(inner);
          if (result.isCancelled()) {
            inner.cancel(true);
          }
          return await(inner);
        }).proceed(call);
        result.complete(value);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    executor.execute(run);
    return result;
  }

  private ServerConnection connection(String server) {
    ServerConnection connection = servers.get(server);
    if (connection == null) {
      throw new McpClientException(null, ErrorCodes.INVALID_PARAMS, "no server named '" + server + "' is configured");
    }
    return connection;
  }

  @Override
  public void close() {
    servers.values().forEach(ServerConnection::close);
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  /** Makes {@code call} and waits for its answer, sending it on this thread where the transport can. */
  private JsonNode call(McpCall call) {
    return await(CallerWaits.during(call.method(), () -> send(call)));
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new McpClientException(null, ErrorCodes.INTERNAL_ERROR, "interrupted while waiting for the server");
    } catch (ExecutionException e) {
      Throwable cause = McpSession.unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new McpClientException(null, ErrorCodes.INTERNAL_ERROR, String.valueOf(cause), null, cause);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Builds a {@link MultiServerMCPClient}; servers must have unique names. */
  public static final class Builder {
    private final Map<String, ServerConfig> servers = new LinkedHashMap<>();
    private final List<CallInterceptor> interceptors = new ArrayList<>();
    private Implementation clientInfo = Implementation.of("concierge", Version.CURRENT);
    private ToolNaming naming = ToolNaming.DEFAULT;
    private ClientHandlers.SamplingHandler sampling;
    private ClientHandlers.ElicitationHandler elicitation;
    private ClientHandlers.RootsProvider roots;
    private ClientHandlers.ProgressListener progress;
    private ClientHandlers.LogListener log;
    private ClientHandlers.ChangeListener changes;
    private HeaderSupplier headers;
    private MetaSupplier meta;
    private String logLevel;
    private Duration probeTimeout = Duration.ofSeconds(10);
    private Duration healthCheckInterval;
    private TransportFactory transports;

    private Builder() {}

    public Builder server(ServerConfig config) {
      Objects.requireNonNull(config, "config");
      if (servers.putIfAbsent(config.name(), config) != null) {
        throw new IllegalArgumentException("server name '" + config.name() + "' is used twice");
      }
      return this;
    }

    public Builder servers(List<ServerConfig> configs) {
      configs.forEach(this::server);
      return this;
    }

    public Builder clientInfo(String name, String version) {
      this.clientInfo = Implementation.of(Objects.requireNonNull(name), Objects.requireNonNull(version));
      return this;
    }

    public Builder naming(ToolNaming value) {
      this.naming = Objects.requireNonNull(value);
      return this;
    }

    public Builder interceptor(CallInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor));
      return this;
    }

    public Builder sampling(ClientHandlers.SamplingHandler handler) {
      this.sampling = handler;
      return this;
    }

    public Builder elicitation(ClientHandlers.ElicitationHandler handler) {
      this.elicitation = handler;
      return this;
    }

    public Builder roots(ClientHandlers.RootsProvider provider) {
      this.roots = provider;
      return this;
    }

    public Builder onProgress(ClientHandlers.ProgressListener listener) {
      this.progress = listener;
      return this;
    }

    public Builder onLog(ClientHandlers.LogListener listener) {
      this.log = listener;
      return this;
    }

    public Builder onChange(ClientHandlers.ChangeListener listener) {
      this.changes = listener;
      return this;
    }

    public Builder headers(HeaderSupplier supplier) {
      this.headers = supplier;
      return this;
    }

    public Builder meta(MetaSupplier supplier) {
      this.meta = supplier;
      return this;
    }

    /** Minimum level of server log messages to receive ({@code debug} ... {@code emergency}); {@code null} for none. */
    public Builder logLevel(String level) {
      if (level != null && !List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
          .contains(level)) {
        throw new IllegalArgumentException("unknown log level '" + level + "'");
      }
      this.logLevel = level;
      return this;
    }

    /** How long a stdio server may stay silent to the {@code server/discover} probe before it is taken as legacy. */
    public Builder probeTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("probeTimeout must be positive, was " + value);
      }
      this.probeTimeout = value;
      return this;
    }

    /**
     * Pings every connected server this often ({@code server/discover} for 2026-07-28 servers); one that does not
     * answer within the same interval is dropped and reconnected on next use. Off by default.
     */
    public Builder healthCheckInterval(Duration value) {
      if (value != null && (value.isNegative() || value.isZero())) {
        throw new IllegalArgumentException("healthCheckInterval must be positive, was " + value);
      }
      this.healthCheckInterval = value;
      return this;
    }

    Builder transports(TransportFactory factory) {
      this.transports = factory;
      return this;
    }

    public MultiServerMCPClient build() {
      return new MultiServerMCPClient(this);
    }
  }
}
