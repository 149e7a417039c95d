package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.McpClientException;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.SessionExpiredException;
import dev.concierge.client.TransportException;
import dev.concierge.client.transport.HttpHeaderValues;
import dev.concierge.client.transport.SendOptions;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.ProtocolVersion;
import dev.concierge.protocol.model.Implementation;
import java.net.ConnectException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's side of one configured server, across reconnects: connects (detecting the era), decorates every
 * request for its era ({@code _meta}, HTTP headers, multi round-trip retries), caches lists, keeps subscriptions, and
 * restarts a dead connection on next use with backoff.
 */
public final class ServerConnection implements AutoCloseable {
  private static final int MAX_INPUT_ROUNDS = 10;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final ServerConfig config;
  private final ClientEnvironment env;
  private final ClientRequests clientRequests;
  private final Negotiator negotiator;
  private final ReentrantLock connectLock = new ReentrantLock();
  private final Map<String, CachedList> cache = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> toolSchemas = new ConcurrentHashMap<>();
  private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
  private final Map<CallOrigin, Integer> inFlight = new ConcurrentHashMap<>();
  private final AtomicReference<CompletableFuture<JsonNode>> listen = new AtomicReference<>();
  private final AtomicInteger listenRetries = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean healthCheckRunning =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Live live;
  private volatile String lastError;
  private volatile boolean closed;
  private volatile long malformedCount;
  private volatile String lastProblem;
  private int failures;
  private long nextAttemptNanos;

  /** What one successful connection negotiated. */
  public record Live(McpSession session, ProtocolVersion version, Implementation serverInfo, ObjectNode capabilities,
      String instructions, ServerConfig.Transport transport) {
    public Era era() {
      return version.era();
    }
  }

  private record CachedList(List<ObjectNode> items, long expiresAtNanos) {}

  public ServerConnection(ServerConfig config, ClientEnvironment env) {
    this.config = config;
    this.env = env;
    this.clientRequests = new ClientRequests(env);
    this.negotiator = new Negotiator(config, env, clientRequests);
  }

  public ServerConfig config() {
    return config;
  }

  /** The current connection, or {@code null} when not connected. */
  public Live live() {
    Live l = live;
    return l != null && l.session().isOpen() ? l : null;
  }

  /** Why the last connection attempt or connection failed, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  /** How many messages from this server could not be read (garbage, oversize, unknown ids). */
  public long malformedCount() {
    return malformedCount;
  }

  /** Connects now if not connected; throws {@link McpClientException} on failure (and records it). */
  public Live connect() {
    connectLock.lock();
    try {
      Live current = live();
      if (current != null) {
        return current;
      }
      if (closed) {
        throw new ConnectionClosedException(config.name(), "client is closed", null);
      }
      try {
        Live fresh = negotiator.connect(this::newInbound);
        live = fresh;
        lastError = null;
        cache.clear();
        openListenStream(fresh);
        resubscribe(fresh);
        return fresh;
      } catch (McpClientException e) {
        recordFailure(e.detail());
        throw e;
      } catch (RuntimeException e) {
        recordFailure(e.toString());
        throw new ConnectionClosedException(config.name(), "connect failed: " + e.getMessage(), e);
      }
    } finally {
      connectLock.unlock();
    }
  }

  /** The live connection, reconnecting when the backoff allows; fails fast while it does not. */
  public Live ensureConnected() {
    Live current = live();
    if (current != null) {
      return current;
    }
    if (closed) {
      throw new ConnectionClosedException(config.name(), "client is closed", null);
    }
    long waitNanos;
    synchronized (this) {
      waitNanos = nextAttemptNanos - env.nanoClock().getAsLong();
    }
    if (waitNanos > 0) {
      throw new ConnectionClosedException(config.name(), "unavailable (" + lastError + "); next reconnect in "
          + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms", null);
    }
    return connect();
  }

  /**
   * Sends a request on the caller's behalf: connects if needed, decorates for the era, answers input requests,
   * re-initializes once after a lost legacy session when the method is safe to repeat.
   *
   * @param timeout per-call timeout, or {@code null} for the server's configured one
   */
  public CompletableFuture<JsonNode> request(String method, ObjectNode params, CallOrigin origin, Duration timeout) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<JsonNode>> current = new AtomicReference<>();
    result.whenComplete((v, e) -> {
      CompletableFuture<JsonNode> inner = current.get();
      if (result.isCancelled() && inner != null) {
        inner.cancel(true);
      }
    });
    attemptWithReconnect(method, params, origin, timeout, current, true).whenComplete((value, error) -> {
      if (error != null) {
        result.completeExceptionally(McpSession.unwrap(error));
      } else {
        synchronized (this) {
          failures = 0;
        }
        result.complete(value);
      }
    });
    return result;
  }

  private CompletableFuture<JsonNode> attemptWithReconnect(String method, ObjectNode params, CallOrigin origin,
      Duration timeout, AtomicReference<CompletableFuture<JsonNode>> current, boolean mayRetry) {
    Live l;
    try {
      l = ensureConnected();
    } catch (McpClientException e) {
      return CompletableFuture.failedFuture(e);
    }
    return attempt(l, method, params, origin, timeout, current, 0).exceptionallyCompose(error -> {
      Throwable cause = McpSession.unwrap(error);
      boolean unreachable = isUnreachable(l, cause)
          || cause instanceof ConnectionClosedException closed && closed.serverUnreachable();
      if (cause instanceof SessionExpiredException || unreachable) {
        if (unreachable) {
          recordFailure(detail(cause));
        }
        l.session().close();
        if (mayRetry && McpMethods.isSafeToRetry(method)) {
          return attemptWithReconnect(method, params, origin, timeout, current, false);
        }
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /**
   * Whether an HTTP server refused the connection: nothing listens there any more. An HTTP transport outlives that by
   * design, but a session on the old process is gone for good, so the connection is dropped to make the next call
   * reconnect rather than send a dead session id forever (and the status say "connected"). A reset or a broken body
   * does not count: it may be one stale pooled connection to a live server whose other calls are still running.
   */
  private static boolean isUnreachable(Live l, Throwable cause) {
    if (l.transport() == ServerConfig.Transport.STDIO || !(cause instanceof TransportException t)
        || t.httpStatus() != 0) {
      return false;
    }
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private CompletableFuture<JsonNode> attempt(Live l, String method, ObjectNode params, CallOrigin origin,
      Duration timeout, AtomicReference<CompletableFuture<JsonNode>> current, int round) {
    ObjectNode body = decorate(l, method, params, origin);
    RequestOptions options = new RequestOptions(timeout != null ? timeout : config.requestTimeout(),
        config.maxRequestTimeout(), sendOptions(l, method, body, origin), progressSink(method, origin));
    inFlight.merge(origin, 1, Integer::sum);
    CompletableFuture<JsonNode> sent = l.session().request(method, body, options);
    current.set(sent);
    sent.whenComplete((v, e) -> inFlight.computeIfPresent(origin, (k, n) -> n == 1 ? null : n - 1));
    return sent.thenCompose(result -> {
      if (l.era() != Era.MODERN || !"input_required".equals(Json.text(result, "resultType"))) {
        return CompletableFuture.completedFuture(result);
      }
      if (round + 1 >= MAX_INPUT_ROUNDS) {
        return CompletableFuture.failedFuture(new McpClientException(config.name(), ErrorCodes.INTERNAL_ERROR,
            method + " still needs input after " + MAX_INPUT_ROUNDS + " rounds"));
      }
      return answerInputRequests(result, origin).thenCompose(responses -> {
        ObjectNode retry = params == null ? Json.object() : params.deepCopy();
        retry.remove("inputResponses");
        retry.remove("requestState");
        if (responses.size() > 0) {
          retry.set("inputResponses", responses);
        }
        String state = Json.text(result, "requestState");
        if (state != null) {
          retry.put("requestState", state);
        }
        return attempt(l, method, retry, origin, timeout, current, round + 1);
      });
    });
  }

  /** Answers every input request of an {@code input_required} result, all at once; the map keys are kept. */
  private CompletableFuture<ObjectNode> answerInputRequests(JsonNode result, CallOrigin origin) {
    ObjectNode requests = Json.obj(result, "inputRequests");
    ObjectNode responses = Json.object();
    if (requests == null || requests.isEmpty()) {
      return CompletableFuture.completedFuture(responses);
    }
    List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
    requests.fields().forEachRemaining(entry -> {
      JsonNode request = entry.getValue();
      String method = Json.text(request, "method");
      ObjectNode params = Json.obj(request, "params");
      CompletableFuture<JsonNode> answer = method == null
          ? CompletableFuture.failedFuture(new McpClientException(config.name(), ErrorCodes.INVALID_PARAMS,
              "input request '" + entry.getKey() + "' has no method"))
          : CompletableFuture.supplyAsync(() -> clientRequests.answer(method, params, origin), env.callbackExecutor())
              .thenCompose(f -> f);
      all.add(answer.thenAccept(value -> {
        synchronized (responses) {
          responses.set(entry.getKey(), value);
        }
      }));
    });
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> responses);
  }

  /** Adds what the era requires to params: per-request {@code _meta} (modern) and trace context (both). */
  private ObjectNode decorate(Live l, String method, ObjectNode params, CallOrigin origin) {
    ObjectNode body = params == null ? Json.object() : params.deepCopy();
    ObjectNode meta = Json.object();
    if (env.meta() != null) {
      ObjectNode extra = env.meta().meta(origin);
      if (extra != null) {
        meta.setAll(extra);
      }
    }
    ObjectNode given = Json.obj(body, "_meta");
    if (given != null) {
      meta.setAll(given);
    }
    if (origin.context().traceparent() != null) {
      meta.put(MetaKeys.TRACEPARENT, origin.context().traceparent());
      if (origin.context().tracestate() != null) {
        meta.put(MetaKeys.TRACESTATE, origin.context().tracestate());
      }
    }
    if (l.era() == Era.MODERN) {
      meta.put(MetaKeys.PROTOCOL_VERSION, l.version().id());
      meta.set(MetaKeys.CLIENT_INFO, env.clientInfo().toJson());
      meta.set(MetaKeys.CLIENT_CAPABILITIES, clientRequests.capabilities());
      if (env.logLevel() != null) {
        meta.put(MetaKeys.LOG_LEVEL, env.logLevel());
      }
    }
    if (meta.isEmpty()) {
      body.remove("_meta");
    } else {
      body.set("_meta", meta);
    }
    return body.isEmpty() && params == null ? null : body;
  }

  private SendOptions sendOptions(Live l, String method, ObjectNode body, CallOrigin origin) {
    Map<String, String> headers = new HashMap<>();
    if (env.headers() != null) {
      Map<String, String> extra = env.headers().headers(origin);
      if (extra != null) {
        headers.putAll(extra);
      }
    }
    String version = l.version().hasVersionHeader() ? l.version().id() : null;
    if (l.era() == Era.MODERN && l.transport() != ServerConfig.Transport.STDIO) {
      headers.put("Mcp-Method", method);
      String name = switch (method) {
        case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> Json.text(body, "name");
        case McpMethods.RESOURCES_READ -> Json.text(body, "uri");
        default -> null;
      };
      if (name != null) {
        headers.put("Mcp-Name", HttpHeaderValues.encodeHeaderValue(name));
      }
      if (McpMethods.TOOLS_CALL.equals(method) && name != null) {
        ObjectNode schema = toolSchemas.get(name);
        if (schema != null) {
          headers.putAll(ParamHeaders.headers(schema, body.get("arguments")));
        }
      }
    }
    return new SendOptions(version, headers);
  }

  /** Progress always restarts a tool call's timeout; the user's listener sees it when there is one. */
  private RequestOptions.ProgressSink progressSink(String method, CallOrigin origin) {
    if (!McpMethods.TOOLS_CALL.equals(method) && env.progress() == null) {
      return null;
    }
    return (progress, total, message) -> {
      if (env.progress() != null) {
        env.progress().onProgress(origin, progress, total, message);
      }
    };
  }

  /**
   * Every item of a list method ({@code tools/list} → {@code tools}), all pages, from cache while fresh. Tools whose
   * {@code x-mcp-header} annotations are invalid are left out on HTTP, as the 2026-07-28 revision requires.
   */
  public List<ObjectNode> list(String method, String field) {
    CachedList cached = cache.get(method);
    long now = env.nanoClock().getAsLong();
    if (cached != null && now - cached.expiresAtNanos() < 0) {
      return cached.items();
    }
    CallOrigin origin = CallOrigin.ofServer(config.name());
    List<ObjectNode> items = new java.util.ArrayList<>();
    Set<String> cursors = new java.util.HashSet<>();
    String cursor = null;
    Long ttlMs = null;
    do {
      ObjectNode params = Json.object();
      if (cursor != null) {
        params.put("cursor", cursor);
      }
      JsonNode page = join(request(method, params, origin, null));
      JsonNode array = page.get(field);
      if (array instanceof ArrayNode a) {
        a.forEach(n -> {
          if (n instanceof ObjectNode o) {
            items.add(o);
          }
        });
      }
      if (page.hasNonNull("ttlMs") && page.get("ttlMs").canConvertToLong()) {
        ttlMs = page.get("ttlMs").asLong();
      }
      cursor = Json.text(page, "nextCursor");
    } while (cursor != null && cursors.add(cursor) && cursors.size() < 10_000);
    if (McpMethods.TOOLS_LIST.equals(method)) {
      items.removeIf(this::hasInvalidHeaderAnnotations);
      toolSchemas.clear();
      items.forEach(t -> {
        JsonNode schema = t.get("inputSchema");
        if (schema instanceof ObjectNode s && Json.text(t, "name") != null) {
          toolSchemas.put(Json.text(t, "name"), s);
        }
      });
    }
    List<ObjectNode> frozen = List.copyOf(items);
    long ttlNanos = ttlMs != null ? TimeUnit.MILLISECONDS.toNanos(Math.max(0, ttlMs)) : config.listTtl().toNanos();
    if (ttlNanos > 0) {
      cache.put(method, new CachedList(frozen, env.nanoClock().getAsLong() + ttlNanos));
    }
    return frozen;
  }

  private boolean hasInvalidHeaderAnnotations(ObjectNode tool) {
    Live l = live();
    if (l == null || l.transport() == ServerConfig.Transport.STDIO || !(tool.get("inputSchema") instanceof ObjectNode s)) {
      return false;
    }
    String problem = ParamHeaders.problem(s);
    if (problem != null) {
      onMalformed("tool '" + Json.text(tool, "name") + "' left out: " + problem);
      return true;
    }
    return false;
  }

  /** Drops cached lists so the next read asks the server. */
  public void invalidate(String method) {
    if (method == null) {
      cache.clear();
    } else {
      cache.remove(method);
    }
  }

  /** Subscribes to updates of one resource; kept across reconnects. */
  public void subscribe(String uri) {
    if (subscriptions.add(uri)) {
      Live l = ensureConnected();
      if (l.era() == Era.MODERN) {
        openListenStream(l);
      } else {
        join(request(McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", uri), CallOrigin.ofServer(config.name()),
            null));
      }
    }
  }

  public void unsubscribe(String uri) {
    if (subscriptions.remove(uri)) {
      Live l = live();
      if (l != null && l.era() == Era.MODERN) {
        openListenStream(l);
      } else if (l != null) {
        join(request(McpMethods.RESOURCES_UNSUBSCRIBE, Json.object().put("uri", uri),
            CallOrigin.ofServer(config.name()), null));
      }
    }
  }

  /** Health check: {@code ping} on legacy servers, {@code server/discover} on 2026-07-28 ones. */
  public void ping(Duration timeout) {
    Live l = ensureConnected();
    String method = l.era() == Era.MODERN ? McpMethods.SERVER_DISCOVER : McpMethods.PING;
    join(request(method, null, CallOrigin.ofServer(config.name()), timeout));
  }

  /**
   * Periodic health check of a live connection: a server that does not answer a ping in time is dropped, so its
   * pending calls fail now and the next call reconnects, instead of every call waiting out its own timeout.
   */
  public void checkHealth(Duration timeout) {
    Live l = live();
    if (l == null || !healthCheckRunning.compareAndSet(false, true)) {
      return; // one check at a time: a slow ping must not count as two failures
    }
    try {
      ping(timeout);
    } catch (McpClientException e) {
      if (!(e instanceof ServerErrorException) && l.session().isOpen()) { // an error answer is still an answer
        recordFailure("health check failed: " + e.detail());
        l.session().close();
      }
    } finally {
      healthCheckRunning.set(false);
    }
  }

  private void resubscribe(Live l) {
    if (l.era() == Era.LEGACY) {
      for (String uri : subscriptions) {
        request(McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", uri), CallOrigin.ofServer(config.name()), null)
            .exceptionally(e -> null);
      }
    }
  }

  /**
   * 2026-07-28: one {@code subscriptions/listen} stream per server for list changes and resource updates, replaced
   * whenever the set of subscribed resources changes.
   */
  private void openListenStream(Live l) {
    if (l.era() != Era.MODERN) {
      return;
    }
    ObjectNode caps = l.capabilities();
    ObjectNode filter = Json.object();
    if (caps.path("tools").path("listChanged").asBoolean(false)) {
      filter.put("toolsListChanged", true);
    }
    if (caps.path("prompts").path("listChanged").asBoolean(false)) {
      filter.put("promptsListChanged", true);
    }
    if (caps.path("resources").path("listChanged").asBoolean(false)) {
      filter.put("resourcesListChanged", true);
    }
    if (!subscriptions.isEmpty()) {
      ArrayNode uris = filter.putArray("resourceSubscriptions");
      subscriptions.stream().sorted().forEach(uris::add);
    }
    CompletableFuture<JsonNode> previous = listen.getAndSet(null);
    if (previous != null) {
      previous.cancel(true);
    }
    if (filter.isEmpty()) {
      return;
    }
    ObjectNode params = Json.object();
    params.set("notifications", filter);
    ObjectNode body = decorate(l, McpMethods.SUBSCRIPTIONS_LISTEN, params, CallOrigin.ofServer(config.name()));
    CompletableFuture<JsonNode> stream = l.session().request(McpMethods.SUBSCRIPTIONS_LISTEN, body,
        new RequestOptions(null, null, sendOptions(l, McpMethods.SUBSCRIPTIONS_LISTEN, body,
            CallOrigin.ofServer(config.name())), null));
    listen.set(stream);
    long opened = env.nanoClock().getAsLong();
    stream.whenComplete((result, error) -> listenAgainLater(l, stream, error, opened));
  }

  /**
   * A listen stream the server ended (gracefully, as a server shutting down does, or by dropping it) is opened again
   * while the connection lives, after a delay that doubles with every stream that lasted less than a minute (capped);
   * one that was replaced or cancelled, or that the server refused as an unknown method, is not.
   */
  private void listenAgainLater(Live l, CompletableFuture<JsonNode> ended, Throwable error, long openedNanos) {
    boolean refused = McpSession.unwrap(error) instanceof ServerErrorException e
        && e.code() == ErrorCodes.METHOD_NOT_FOUND;
    if (closed || refused || ended.isCancelled() || live != l || !listen.compareAndSet(ended, null)) {
      return;
    }
    if (env.nanoClock().getAsLong() - openedNanos > TimeUnit.MINUTES.toNanos(1)) {
      listenRetries.set(0); // it served a while: this is a fresh problem, not a server that keeps failing
    }
    int attempt = listenRetries.incrementAndGet();
    long delayMillis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(10, attempt - 1));
    try {
      env.scheduler().schedule(() -> {
        if (!closed && live == l && l.session().isOpen() && listen.get() == null) {
          openListenStream(l);
        }
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closing
    }
  }

  private McpSession.Inbound newInbound() {
    return new McpSession.Inbound() {
      @Override
      public CompletableFuture<JsonNode> onRequest(JsonRpcRequest request) {
        CallOrigin origin = attributedOrigin();
        return CompletableFuture.supplyAsync(
            () -> clientRequests.answer(request.method(), request.params(), origin), env.callbackExecutor())
            .thenCompose(f -> f);
      }

      @Override
      public void onNotification(JsonRpcNotification notification) {
        handleNotification(notification);
      }

      @Override
      public void onMalformed(String reason) {
        ServerConnection.this.onMalformed(reason);
      }

      @Override
      public void onClosed(Throwable cause) {
        if (cause != null && !closed) {
          recordFailure(detail(cause));
        }
      }
    };
  }

  /** A legacy server's request carries no call id: it belongs to the one call in flight, if there is exactly one. */
  private CallOrigin attributedOrigin() {
    Set<CallOrigin> calls = inFlight.keySet();
    if (calls.size() == 1) {
      return calls.iterator().next();
    }
    return CallOrigin.ofServer(config.name());
  }

  private void handleNotification(JsonRpcNotification notification) {
    ObjectNode params = notification.paramsOrEmpty();
    String method = notification.method();
    switch (method) {
      case McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED -> changed(McpMethods.TOOLS_LIST, method, null);
      case McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED -> changed(McpMethods.PROMPTS_LIST, method, null);
      case McpMethods.NOTIFICATION_RESOURCES_LIST_CHANGED -> {
        cache.remove(McpMethods.RESOURCES_TEMPLATES_LIST);
        changed(McpMethods.RESOURCES_LIST, method, null);
      }
      case McpMethods.NOTIFICATION_RESOURCES_UPDATED -> changed(null, method, Json.text(params, "uri"));
      case McpMethods.NOTIFICATION_MESSAGE -> {
        if (env.log() != null) {
          safely(() -> env.log().onLog(attributedOrigin(), Json.text(params, "level"), Json.text(params, "logger"),
              params.get("data")));
        }
      }
      default -> { } // acknowledgements and notifications of later revisions need no action
    }
  }

  private void changed(String listMethod, String what, String uri) {
    if (listMethod != null) {
      cache.remove(listMethod);
    }
    if (env.changes() != null) {
      safely(() -> env.changes().onChange(config.name(), what, uri));
    }
  }

  private void onMalformed(String reason) {
    malformedCount++;
    lastProblem = reason;
  }

  /** The last unreadable message or rejected definition from this server, or {@code null}. */
  public String lastProblem() {
    return lastProblem;
  }

  private static String detail(Throwable cause) {
    return cause instanceof McpClientException m ? m.detail() : String.valueOf(cause.getMessage());
  }

  private synchronized void recordFailure(String reason) {
    lastError = reason;
    failures++;
    long backoff = failures <= 1 ? 0
        : Math.min(MAX_BACKOFF.toNanos(), TimeUnit.MILLISECONDS.toNanos(250L << Math.min(10, failures - 2)));
    nextAttemptNanos = env.nanoClock().getAsLong() + backoff;
  }

  private JsonNode join(CompletableFuture<JsonNode> future) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = McpSession.unwrap(e);
      if (cause instanceof McpClientException m) {
        throw m;
      }
      throw new McpClientException(config.name(), ErrorCodes.INTERNAL_ERROR, String.valueOf(cause.getMessage()), null,
          cause);
    }
  }

  private static void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException ignored) {
      // A user callback must never break the engine.
    }
  }

  /** Closes the connection for good; pending calls fail with {@link ConnectionClosedException}. */
  @Override
  public void close() {
    closed = true;
    Live l = live;
    live = null;
    if (l != null) {
      l.session().close();
    }
  }

  static boolean isModernError(Throwable error) {
    return error instanceof ServerErrorException e && ErrorCodes.isModernProtocolError(e.code());
  }
}
