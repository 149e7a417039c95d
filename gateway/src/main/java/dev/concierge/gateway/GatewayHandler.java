package dev.concierge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.Listing;
import dev.concierge.client.McpCall;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedPrompt;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerResource;
import dev.concierge.client.ServerStatus;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.Exchange;
import dev.concierge.gateway.mcp.McpHandler;
import dev.concierge.gateway.mcp.ServerDescription;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's MCP server: every configured server's tools, prompts and resources as one, through
 * {@link MultiServerMCPClient}, filtered by the principal's {@link ToolViews}. Each upstream call carries the
 * downstream {@link Exchange} in its {@link CallContext}, so that progress, log messages and questions the upstream
 * raises during the call (sampling, elicitation) find their way back to the client that made it.
 */
public final class GatewayHandler implements McpHandler {
  /** The {@link CallContext} attribute that carries the downstream exchange of an upstream call. */
  static final String EXCHANGE = "dev.concierge.gateway/exchange";
  static final String SERVERS_META = "dev.concierge/servers";

  private final MultiServerMCPClient client;
  private final ToolViews views;
  private final Duration upstreamTimeout;
  private final Executor executor;
  private final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();
  private volatile ToolSnapshot tools;
  private final MemoryTools memoryTools;
  private final MemoryContext memoryContext;
  private final java.util.function.Function<String, MemoryPolicy> policies;

  /**
   * The aggregated tool list and its index by exposed name, reused for a short while: naming and sorting every
   * server's tools is work, and tools/call needs only a lookup. A list change from any server drops it at once.
   */
  private record ToolSnapshot(long builtAtNanos, Listing<NamedTool> listing, Map<String, NamedTool> byName) {}

  private static final long SNAPSHOT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  public GatewayHandler(MultiServerMCPClient client, ToolViews views, Duration upstreamTimeout, Executor executor) {
    this(client, views, upstreamTimeout, executor, null, server -> MemoryPolicy.NONE);
  }

  /**
   * @param memories the user memory store behind the built-in {@code memory} server, injection and capture, or
   *     {@code null} for a gateway without memory
   * @param policies each upstream server's {@link MemoryPolicy}
   */
  public GatewayHandler(MultiServerMCPClient client, ToolViews views, Duration upstreamTimeout, Executor executor,
      dev.concierge.context.MemoryStore memories, java.util.function.Function<String, MemoryPolicy> policies) {
    this.client = client;
    this.views = views;
    this.upstreamTimeout = upstreamTimeout;
    this.executor = executor;
    this.memoryTools = memories == null ? null : new MemoryTools(memories);
    this.memoryContext = memories == null ? null : new MemoryContext(memories);
    this.policies = policies;
  }

  /** The downstream exchange an upstream callback belongs to, or {@code null} (raised outside any call). */
  static Exchange exchangeOf(CallOrigin origin) {
    return (Exchange) origin.context().attribute(EXCHANGE).orElse(null);
  }

  @Override
  public ServerDescription describe(Principal principal) {
    ObjectNode caps = Json.object();
    caps.putObject("tools").put("listChanged", true);
    caps.putObject("prompts").put("listChanged", true);
    caps.putObject("resources").put("subscribe", true).put("listChanged", true);
    caps.putObject("completions");
    return new ServerDescription("concierge-gateway", dev.concierge.client.Version.CURRENT,
        "Tools, prompts and resources of several MCP servers behind one endpoint. Tool and prompt names are "
            + "prefixed with their server's name.", caps);
  }

  /** A server said its tools changed: the next request lists them again. */
  void toolsChanged() {
    tools = null;
  }

  private ToolSnapshot tools() {
    ToolSnapshot s = tools;
    if (s == null || System.nanoTime() - s.builtAtNanos > SNAPSHOT_NANOS) {
      Listing<NamedTool> listing = client.listTools();
      Map<String, NamedTool> byName = new java.util.HashMap<>();
      listing.items().forEach(t -> byName.put(t.name(), t));
      s = new ToolSnapshot(System.nanoTime(), listing, byName);
      tools = s;
    }
    return s;
  }

  /** Whether routing a tool call can proceed on the caller's thread (nothing to list first). */
  private boolean toolsFresh() {
    ToolSnapshot s = tools;
    return s != null && System.nanoTime() - s.builtAtNanos <= SNAPSHOT_NANOS;
  }

  @Override
  public JsonNode inputSchema(Principal principal, String tool) {
    NamedTool found = findTool(principal, tool);
    return found == null ? null : found.tool().inputSchema();
  }

  @Override
  public CompletableFuture<ObjectNode> handle(Exchange exchange) {
    ObjectNode params = exchange.params();
    return switch (exchange.method()) {
      case McpMethods.TOOLS_LIST -> listed(exchange, () -> listTools(exchange.principal()));
      case McpMethods.PROMPTS_LIST -> listed(exchange, () -> listPrompts(exchange.principal()));
      case McpMethods.RESOURCES_LIST -> listed(exchange, this::listResources);
      case McpMethods.RESOURCES_TEMPLATES_LIST -> listed(exchange, this::listTemplates);
      case McpMethods.TOOLS_CALL -> callTool(exchange, params);
      case McpMethods.PROMPTS_GET -> getPrompt(exchange, params);
      case McpMethods.RESOURCES_READ -> memoryTools != null && MemoryTools.owns(Json.text(params, "uri"))
          ? async(() -> memoryTools.read(exchange, Json.text(params, "uri")))
          : async(() -> readCall(exchange, params)).thenCompose(c -> forward(exchange, c));
      case McpMethods.COMPLETION_COMPLETE -> async(() -> completeCall(exchange, params))
          .thenCompose(c -> forward(exchange, c));
      default -> CompletableFuture.failedFuture(new McpException(ErrorCodes.METHOD_NOT_FOUND,
          "Method not found: " + exchange.method()));
    };
  }

  @Override
  public void subscribed(Principal principal, String uri) {
    if (subscriptions.computeIfAbsent(uri, u -> new AtomicInteger()).incrementAndGet() == 1) {
      executor.execute(() -> {
        try {
          client.subscribe(owner(uri), uri);
        } catch (RuntimeException e) {
          subscriptions.remove(uri); // no server offers it: nothing will be updated
        }
      });
    }
  }

  @Override
  public void unsubscribed(Principal principal, String uri) {
    AtomicInteger count = subscriptions.get(uri);
    if (count != null && count.decrementAndGet() <= 0) {
      subscriptions.remove(uri);
      executor.execute(() -> {
        try {
          client.unsubscribe(owner(uri), uri);
        } catch (RuntimeException e) {
          // the server is gone or no longer lists it: nothing to undo
        }
      });
    }
  }

  // ---- lists ----

  private interface ListBuilder {
    ObjectNode build();
  }

  private CompletableFuture<ObjectNode> listed(Exchange exchange, ListBuilder builder) {
    if (exchange.params().hasNonNull("cursor")) {
      return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_PARAMS,
          "Invalid cursor: the gateway answers every list in one page"));
    }
    return async(builder::build);
  }

  private ObjectNode listTools(Principal principal) {
    Listing<NamedTool> listing = tools().listing();
    ObjectNode result = Json.object();
    ArrayNode array = result.putArray("tools");
    java.util.TreeMap<String, ObjectNode> sorted = new java.util.TreeMap<>();
    for (NamedTool t : listing.items()) {
      sorted.put(t.name(), t.tool().toJson());
    }
    if (memoryTools != null) {
      memoryTools.definitions().forEach(d -> sorted.put(d.get("name").asText(), d));
    }
    sorted.forEach((name, definition) -> {
      if (views.visible(principal, name)) {
        array.add(definition);
      }
    });
    return withStatuses(result, listing.servers());
  }

  private ObjectNode listPrompts(Principal principal) {
    Listing<NamedPrompt> listing = client.listPrompts();
    ObjectNode result = Json.object();
    ArrayNode prompts = result.putArray("prompts");
    for (NamedPrompt p : listing.items()) {
      if (views.visible(principal, p.name())) {
        prompts.add(p.prompt().withName(p.name()).toJson());
      }
    }
    return withStatuses(result, listing.servers());
  }

  private ObjectNode listResources() {
    Listing<ServerResource.Item> listing = client.listResources();
    ObjectNode result = Json.object();
    ArrayNode resources = result.putArray("resources");
    listing.items().forEach(i -> resources.add(i.resource().toJson()));
    if (memoryTools != null) {
      memoryTools.resources().forEach(resources::add);
    }
    return withStatuses(result, listing.servers());
  }

  private ObjectNode listTemplates() {
    Listing<ServerResource.Template> listing = client.listResourceTemplates();
    ObjectNode result = Json.object();
    ArrayNode templates = result.putArray("resourceTemplates");
    listing.items().forEach(t -> templates.add(t.template().toJson()));
    if (memoryTools != null) {
      templates.add(memoryTools.template());
    }
    return withStatuses(result, listing.servers());
  }

  /** Every aggregate answer says which servers answered (in {@code _meta}, so the list itself stays byte-stable). */
  private static ObjectNode withStatuses(ObjectNode result, List<ServerStatus> statuses) {
    ArrayNode servers = result.putObject("_meta").putArray(SERVERS_META);
    for (ServerStatus s : statuses) {
      ObjectNode entry = servers.addObject().put("name", s.name()).put("connected", s.error() == null);
      if (s.error() != null) {
        entry.put("error", s.error());
      }
    }
    return result;
  }

  // ---- calls ----

  private CompletableFuture<ObjectNode> callTool(Exchange exchange, ObjectNode params) {
    String name = Json.text(params, "name");
    JsonNode arguments = params.get("arguments") == null || params.get("arguments").isNull() ? Json.object()
        : params.get("arguments");
    if (memoryTools != null && name != null && name.startsWith(MemoryTools.PREFIX)
        && views.visible(exchange.principal(), name)) {
      return async(() -> memoryTools.call(exchange, name.substring(MemoryTools.PREFIX.length()), arguments));
    }
    // The common case is a map lookup and a send: no reason to change threads. Listing the servers again, or
    // reading the user's memories for injection, may wait, so those run on a worker.
    Work<NamedTool> route = () -> name == null ? null : findTool(exchange.principal(), name);
    CompletableFuture<NamedTool> routed = toolsFresh() ? CompletableFuture.completedFuture(route.run())
        : async(route);
    return routed.thenCompose(tool -> {
      if (tool == null) {
        throw new McpException(ErrorCodes.INVALID_PARAMS, "Unknown tool: " + name);
      }
      ObjectNode upstream = forwardedParams(exchange, params).put("name", tool.originalName());
      upstream.set("arguments", arguments);
      MemoryPolicy policy = policies.apply(tool.server());
      CompletableFuture<ObjectNode> sent = memoryContext != null && policy.injects()
          ? async(() -> inject(exchange, policy, upstream, arguments)).thenCompose(p -> forward(exchange,
              call(exchange, tool, p)))
          : forward(exchange, call(exchange, tool, upstream));
      return policy.captureEpisodes() && memoryContext != null ? sent.thenApply(r -> {
        captureLater(exchange, tool, arguments, r);
        return r;
      }) : sent;
    });
  }

  private McpCall call(Exchange exchange, NamedTool tool, ObjectNode upstream) {
    return new McpCall(tool.server(), McpMethods.TOOLS_CALL, upstream, context(exchange), upstreamTimeout);
  }

  /** Adds the user's context block to the upstream params' {@code _meta}. */
  private ObjectNode inject(Exchange exchange, MemoryPolicy policy, ObjectNode upstream, JsonNode arguments) {
    try {
      upstream.withObjectProperty("_meta").set(MemoryContext.META_KEY, memoryContext.block(
          MemoryTools.owner(exchange.principal()), policy, arguments));
      return upstream;
    } catch (java.io.IOException e) {
      throw new McpException(ErrorCodes.INTERNAL_ERROR, "the memory store failed: " + e.getMessage());
    }
  }

  /** Records the call as an episode, off the answer's path (not failures, not calls still waiting for input). */
  private void captureLater(Exchange exchange, NamedTool tool, JsonNode arguments, ObjectNode result) {
    if (result.path("isError").asBoolean(false) || "input_required".equals(Json.text(result, "resultType"))) {
      return;
    }
    executor.execute(() -> {
      try {
        memoryContext.capture(MemoryTools.owner(exchange.principal()), exchange, tool.server(), tool.originalName(),
            arguments, result);
      } catch (java.io.IOException | RuntimeException e) {
        System.getLogger(GatewayHandler.class.getName()).log(System.Logger.Level.WARNING,
            "recording an episode of " + tool.name() + " failed: " + e.getMessage());
      }
    });
  }

  private CompletableFuture<ObjectNode> getPrompt(Exchange exchange, ObjectNode params) {
    return async(() -> {
      String name = Json.text(params, "name");
      NamedPrompt prompt = name == null ? null : client.listPrompts().items().stream()
          .filter(p -> p.name().equals(name) && views.visible(exchange.principal(), p.name())).findFirst()
          .orElse(null);
      if (prompt == null) {
        throw new McpException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name);
      }
      ObjectNode upstream = forwardedParams(exchange, params).put("name", prompt.originalName());
      return new McpCall(prompt.server(), McpMethods.PROMPTS_GET, upstream, context(exchange), upstreamTimeout);
    }).thenCompose(call -> forward(exchange, call));
  }

  private McpCall readCall(Exchange exchange, ObjectNode params) {
    String uri = Json.text(params, "uri");
    if (uri == null) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "params.uri is required");
    }
    return new McpCall(owner(uri), McpMethods.RESOURCES_READ, forwardedParams(exchange, params), context(exchange),
        upstreamTimeout);
  }

  private McpCall completeCall(Exchange exchange, ObjectNode params) {
    ObjectNode ref = Json.obj(params, "ref");
    String type = Json.text(ref, "type");
    ObjectNode upstream = forwardedParams(exchange, params);
    String server;
    if ("ref/prompt".equals(type)) {
      String name = Json.text(ref, "name");
      NamedPrompt prompt = client.listPrompts().items().stream()
          .filter(p -> p.name().equals(name) && views.visible(exchange.principal(), p.name())).findFirst()
          .orElseThrow(() -> new McpException(ErrorCodes.INVALID_PARAMS, "Unknown prompt: " + name));
      server = prompt.server();
      ((ObjectNode) upstream.get("ref")).put("name", prompt.originalName());
    } else if ("ref/resource".equals(type)) {
      String uri = Json.text(ref, "uri");
      server = client.listResourceTemplates().items().stream()
          .filter(t -> t.template().uriTemplate().equals(uri)).map(ServerResource.Template::server).findFirst()
          .orElseThrow(() -> new McpException(ErrorCodes.INVALID_PARAMS, "Unknown resource template: " + uri));
    } else {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "params.ref.type must be ref/prompt or ref/resource");
    }
    return new McpCall(server, McpMethods.COMPLETION_COMPLETE, upstream, context(exchange), upstreamTimeout);
  }

  /** Sends the call upstream; the client cancelling its request cancels the upstream call. */
  private CompletableFuture<ObjectNode> forward(Exchange exchange, McpCall call) {
    CompletableFuture<JsonNode> upstream = client.send(call);
    exchange.cancelled().thenRun(() -> upstream.cancel(true));
    return upstream.thenApply(result -> result instanceof ObjectNode o ? o : Json.object());
  }

  /** The server whose resource (or resource template) {@code uri} is. */
  private String owner(String uri) {
    try {
      return client.resourceServer(uri);
    } catch (McpException e) {
      throw new McpException(ErrorCodes.RESOURCE_NOT_FOUND_LEGACY, e.getMessage(), Json.object().put("uri", uri));
    }
  }

  private NamedTool findTool(Principal principal, String name) {
    if (!views.visible(principal, name)) {
      return null;
    }
    return tools().byName().get(name);
  }

  /**
   * The params to send upstream: the client's, without what belongs to the downstream hop (its progress token, the
   * era envelope); the client library adds the upstream's own. A 2026-07-28 client's multi round-trip fields stay:
   * its questions are relayed to it as the upstream asked them, and its capabilities tell the upstream what it may
   * ask.
   */
  private static ObjectNode forwardedParams(Exchange exchange, ObjectNode params) {
    ObjectNode copy = params.deepCopy();
    boolean relay = relays(exchange);
    if (!relay) {
      copy.remove("requestState");
      copy.remove("inputResponses");
    }
    ObjectNode meta = Json.obj(copy, "_meta");
    if (meta != null) {
      meta.remove(MetaKeys.PROGRESS_TOKEN);
      meta.remove(List.of(MetaKeys.PROTOCOL_VERSION, MetaKeys.CLIENT_INFO, MetaKeys.LOG_LEVEL));
      if (!relay) {
        meta.remove(MetaKeys.CLIENT_CAPABILITIES);
      }
      if (meta.isEmpty()) {
        copy.remove("_meta");
      }
    }
    return copy;
  }

  /** A 2026-07-28 client answers an upstream's {@code input_required} itself; a legacy one is asked by the gateway. */
  private static boolean relays(Exchange exchange) {
    return exchange.era() == dev.concierge.protocol.Era.MODERN;
  }

  private static CallContext context(Exchange exchange) {
    String traceparent = Json.text(exchange.params().path("_meta"), MetaKeys.TRACEPARENT);
    CallContext context = new CallContext(exchange.principal().key(), exchange.sessionId(), null, null,
        relays(exchange) ? Map.of(EXCHANGE, exchange, CallContext.RELAY_INPUT_REQUIRED, true)
            : Map.of(EXCHANGE, exchange));
    if (traceparent != null && traceparent.matches("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
      context = context.withTrace(traceparent, Json.text(exchange.params().path("_meta"), MetaKeys.TRACESTATE));
    }
    return context;
  }

  private interface Work<T> {
    T run();
  }

  /** Runs blocking catalog work (lists may have to ask the servers) off the transport's thread. */
  private <T> CompletableFuture<T> async(Work<T> work) {
    return CompletableFuture.supplyAsync(work::run, executor);
  }
}
