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
    Map<String, List<ObjectNode>> perServer = fetch(McpMethods.TOOLS_LIST, "tools", "tools");
    List<NameAssigner.Candidate> candidates = new ArrayList<>();
    List<Tool> definitions = new ArrayList<>();
    perServer.forEach((server, items) -> {
      ServerConfig config = servers.get(server).config();
      int count = 0;
      for (ObjectNode item : items) {
        Tool tool = new Tool(item);
        if (tool.name() != null && Globs.allowed(tool.name(), config.allowTools(), config.denyTools())) {
          candidates.add(new NameAssigner.Candidate(server, prefix(config), tool.name()));
          definitions.add(tool);
          count++;
        }
      }
      toolCounts.put(server, count);
    });
    NameAssigner.Result named = NameAssigner.assign(candidates, naming);
    List<NamedTool> tools = new ArrayList<>();
    Map<String, Route> routes = new LinkedHashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      NameAssigner.Candidate c = candidates.get(i);
      String name = named.names().get(i);
      tools.add(new NamedTool(name, c.server(), c.originalName(), definitions.get(i).withName(name)));
      routes.put(name, new Route(c.server(), c.originalName()));
    }
    tools.sort(Comparator.comparing(NamedTool::name));
    toolRoutes = routes;
    return new Listing<>(tools, statuses(), named.collisions());
  }

  Listing<NamedPrompt> prompts() {
    Map<String, List<ObjectNode>> perServer = fetch(McpMethods.PROMPTS_LIST, "prompts", "prompts");
    List<NameAssigner.Candidate> candidates = new ArrayList<>();
    List<Prompt> definitions = new ArrayList<>();
    perServer.forEach((server, items) -> {
      for (ObjectNode item : items) {
        Prompt prompt = new Prompt(item);
        if (prompt.name() != null) {
          candidates.add(new NameAssigner.Candidate(server, prefix(servers.get(server).config()), prompt.name()));
          definitions.add(prompt);
        }
      }
    });
    NameAssigner.Result named = NameAssigner.assign(candidates, naming);
    List<NamedPrompt> prompts = new ArrayList<>();
    Map<String, Route> routes = new LinkedHashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      NameAssigner.Candidate c = candidates.get(i);
      String name = named.names().get(i);
      prompts.add(new NamedPrompt(name, c.server(), c.originalName(), definitions.get(i).withName(name)));
      routes.put(name, new Route(c.server(), c.originalName()));
    }
    prompts.sort(Comparator.comparing(NamedPrompt::name));
    promptRoutes = routes;
    return new Listing<>(prompts, statuses(), named.collisions());
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
