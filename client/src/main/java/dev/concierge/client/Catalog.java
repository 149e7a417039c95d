package dev.concierge.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.internal.Globs;
import dev.concierge.client.internal.NameAssigner;
import dev.concierge.client.internal.ServerConnection;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.model.Prompt;
import dev.concierge.protocol.model.Resource;
import dev.concierge.protocol.model.ResourceTemplate;
import dev.concierge.protocol.model.Tool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The aggregate view: fans list requests out to every server concurrently, names and orders what comes back, and
 * remembers which server owns which exposed name so calls can be routed.
 */
final class Catalog {
  /** Where an exposed name goes. */
  record Route(String server, String originalName) {}

  private final Map<String, ServerConnection> servers;
  private final ToolNaming naming;
  private final Executor executor;
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final Map<String, Integer> toolCounts = new ConcurrentHashMap<>();
  private volatile Map<String, Route> toolRoutes = Map.of();
  private volatile Map<String, Route> promptRoutes = Map.of();

  Catalog(Map<String, ServerConnection> servers, ToolNaming naming, Executor executor) {
    this.servers = servers;
    this.naming = naming;
    this.executor = executor;
  }

  Listing<NamedTool> tools() {
    Named<NamedTool> named = name(fetch(McpMethods.TOOLS_LIST, "tools", "tools"), Tool::new, Tool::name,
        (config, name) -> Globs.allowed(name, config.allowTools(), config.denyTools()),
        (name, c, tool) -> new NamedTool(name, c.server(), c.originalName(), tool.withName(name)), NamedTool::name);
    toolCounts.putAll(named.counts());
    toolRoutes = named.routes();
    return new Listing<>(named.items(), statuses(), named.collisions());
  }

  Listing<NamedPrompt> prompts() {
    Named<NamedPrompt> named = name(fetch(McpMethods.PROMPTS_LIST, "prompts", "prompts"), Prompt::new, Prompt::name,
        (config, name) -> true,
        (name, c, prompt) -> new NamedPrompt(name, c.server(), c.originalName(), prompt.withName(name)),
        NamedPrompt::name);
    promptRoutes = named.routes();
    return new Listing<>(named.items(), statuses(), named.collisions());
  }

  /** Makes the exposed item from its assigned name, its candidate and its definition. */
  @FunctionalInterface
  private interface ItemFactory<T, N> {
    N make(String name, NameAssigner.Candidate candidate, T definition);
  }

  /** Named items sorted by exposed name, the routes to their servers, collisions, and a count per server. */
  private record Named<N>(List<N> items, Map<String, Route> routes, List<NameCollision> collisions,
      Map<String, Integer> counts) {}

  /** Filters, names and orders one kind of item (tools or prompts) of every server the same way. */
  private <T, N> Named<N> name(Map<String, List<ObjectNode>> perServer, Function<ObjectNode, T> view,
      Function<T, String> nameOf, BiPredicate<ServerConfig, String> allowed, ItemFactory<T, N> factory,
      Function<N, String> exposedName) {
    List<NameAssigner.Candidate> candidates = new ArrayList<>();
    List<T> definitions = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    perServer.forEach((server, items) -> {
      ServerConfig config = servers.get(server).config();
      int count = 0;
      for (ObjectNode item : items) {
        T definition = view.apply(item);
        String original = nameOf.apply(definition);
        if (original != null && allowed.test(config, original)) {
          candidates.add(new NameAssigner.Candidate(server, prefix(config), original));
          definitions.add(definition);
          count++;
        }
      }
      counts.put(server, count);
    });
    NameAssigner.Result assigned = NameAssigner.assign(candidates, naming);
    List<N> items = new ArrayList<>();
    Map<String, Route> routes = new LinkedHashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      NameAssigner.Candidate c = candidates.get(i);
      String name = assigned.names().get(i);
      items.add(factory.make(name, c, definitions.get(i)));
      routes.put(name, new Route(c.server(), c.originalName()));
    }
    items.sort(Comparator.comparing(exposedName));
    return new Named<>(items, routes, assigned.collisions(), counts);
  }

  Listing<ServerResource.Item> resources() {
    List<ServerResource.Item> items = new ArrayList<>();
    fetch(McpMethods.RESOURCES_LIST, "resources", "resources").forEach((server, list) ->
        list.forEach(r -> items.add(new ServerResource.Item(server, new Resource(r)))));
    items.sort(Comparator.comparing((ServerResource.Item i) -> String.valueOf(i.resource().uri()))
        .thenComparing(ServerResource.Item::server));
    return new Listing<>(items, statuses(), List.of());
  }

  Listing<ServerResource.Template> templates() {
    List<ServerResource.Template> items = new ArrayList<>();
    fetch(McpMethods.RESOURCES_TEMPLATES_LIST, "resourceTemplates", "resources").forEach((server, list) ->
        list.forEach(t -> items.add(new ServerResource.Template(server, new ResourceTemplate(t)))));
    items.sort(Comparator.comparing((ServerResource.Template t) -> String.valueOf(t.template().uriTemplate()))
        .thenComparing(ServerResource.Template::server));
    return new Listing<>(items, statuses(), List.of());
  }

  Route toolRoute(String name) {
    return route(name, () -> toolRoutes, this::tools, "tool");
  }

  Route promptRoute(String name) {
    return route(name, () -> promptRoutes, this::prompts, "prompt");
  }

  private Route route(String name, java.util.function.Supplier<Map<String, Route>> routes, Runnable refresh,
      String what) {
    Route route = routes.get().get(name);
    if (route == null) {
      refresh.run(); // first use, or a server added the name since the last listing
      route = routes.get().get(name);
    }
    if (route == null) {
      throw new McpClientException(null, ErrorCodes.INVALID_PARAMS, "Unknown " + what + ": " + name);
    }
    return route;
  }

  /** The server that owns a resource URI: the one that lists it, or the one template that matches it. */
  String resourceServer(String uri) {
    List<String> owners = resources().items().stream().filter(i -> uri.equals(i.resource().uri()))
        .map(ServerResource.Item::server).distinct().toList();
    if (owners.isEmpty()) {
      owners = templates().items().stream().filter(t -> UriTemplates.matches(t.template().uriTemplate(), uri))
          .map(ServerResource.Template::server).distinct().toList();
    }
    if (owners.size() == 1) {
      return owners.get(0);
    }
    throw new McpClientException(null, ErrorCodes.INVALID_PARAMS, owners.isEmpty()
        ? "Resource not found: " + uri
        : "Resource " + uri + " is offered by several servers " + owners + "; name the server");
  }

  String templateServer(String uriTemplate) {
    List<String> owners = templates().items().stream().filter(t -> uriTemplate.equals(t.template().uriTemplate()))
        .map(ServerResource.Template::server).distinct().toList();
    if (owners.size() != 1) {
      throw new McpClientException(null, ErrorCodes.INVALID_PARAMS, owners.isEmpty()
          ? "Unknown resource template: " + uriTemplate
          : "Resource template " + uriTemplate + " is offered by several servers " + owners);
    }
    return owners.get(0);
  }

  /**
   * Lists one method on every server concurrently. A server that fails (or lacks the capability) contributes nothing
   * and its error is recorded for the status report; the others are unaffected.
   */
  private Map<String, List<ObjectNode>> fetch(String method, String field, String capability) {
    Map<String, CompletableFuture<List<ObjectNode>>> futures = new LinkedHashMap<>();
    servers.forEach((name, connection) -> futures.put(name, CompletableFuture.supplyAsync(() -> {
      ServerConnection.Live live = connection.ensureConnected();
      if (!live.capabilities().has(capability)) {
        return List.<ObjectNode>of();
      }
      return connection.list(method, field);
    }, executor)));
    Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
    futures.forEach((name, future) -> {
      try {
        out.put(name, future.join());
        errors.remove(name);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        errors.put(name, cause instanceof McpClientException m ? m.detail() : String.valueOf(cause.getMessage()));
      }
    });
    return out;
  }

  List<ServerStatus> statuses() {
    List<ServerStatus> out = new ArrayList<>();
    servers.values().forEach(c -> out.add(status(c)));
    return out;
  }

  ServerStatus status(ServerConnection connection) {
    String name = connection.config().name();
    ServerConnection.Live live = connection.live();
    String error = live == null ? firstNonNull(connection.lastError(), errors.get(name), "not connected")
        : errors.get(name);
    String transport = switch (live != null ? live.transport() : connection.config().transport()) {
      case STDIO -> "stdio";
      case STREAMABLE_HTTP -> "http";
      case SSE -> "sse";
    };
    return new ServerStatus(name, transport, live != null, live == null ? null : live.era().name().toLowerCase(),
        live == null ? null : live.version().id(), live == null ? null : live.serverInfo().name(),
        toolCounts.getOrDefault(name, -1), error);
  }

  private static String prefix(ServerConfig config) {
    return config.prefix() == null ? config.name() : config.prefix();
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
