package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.McpClientException;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.SessionExpiredException;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.ProtocolVersion;
import dev.concierge.protocol.model.Implementation;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
  private final ListCache cache;
  private final RequestDecorator decorator;
  private final Subscriptions subscriptions;
  private final Map<CallOrigin, Integer> inFlight = new ConcurrentHashMap<>();
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

  public ServerConnection(ServerConfig config, ClientEnvironment env) {
    this.config = config;
    this.env = env;
    this.clientRequests = new ClientRequests(env);
    this.negotiator = new Negotiator(config, env, clientRequests);
    this.decorator = new RequestDecorator(env, clientRequests);
    this.cache = new ListCache(env.nanoClock());
    this.subscriptions = new Subscriptions(this, decorator, env);
  }

  /** Whether {@code l} is still this connection's current one and the client is open. */
  boolean isCurrent(Live l) {
    return !closed && live == l;
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
        cache.invalidate(null);
        subscriptions.onConnected(fresh);
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
    ObjectNode body = decorator.body(l, params, origin);
    RequestOptions options = new RequestOptions(timeout != null ? timeout : config.requestTimeout(),
        config.maxRequestTimeout(), decorator.send(l, method, body, origin), progressSink(method, origin));
    inFlight.merge(origin, 1, Integer::sum);
    CompletableFuture<JsonNode> sent = l.session().request(method, body, options);
    current.set(sent);
    sent.whenComplete((v, e) -> inFlight.computeIfPresent(origin, (k, n) -> n == 1 ? null : n - 1));
    return sent.thenCompose(result -> {
      if (l.era() != Era.MODERN || !"input_required".equals(Json.text(result, "resultType"))
          || RequestDecorator.relays(origin)) {
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
    List<ObjectNode> cached = cache.fresh(method);
    if (cached != null) {
      return cached;
    }
    CallOrigin origin = CallOrigin.ofServer(config.name());
    ListCache.Pages pages = ListCache.allPages(params -> join(request(method, params, origin, null)), field);
    List<ObjectNode> items = new java.util.ArrayList<>(pages.items());
    if (McpMethods.TOOLS_LIST.equals(method)) {
      items.removeIf(this::hasInvalidHeaderAnnotations);
      decorator.rememberTools(items);
    }
    return cache.put(method, items, pages.ttlMs(), config.listTtl());
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
    cache.invalidate(method);
  }

  /** Subscribes to updates of one resource; kept across reconnects. */
  public void subscribe(String uri) {
    subscriptions.add(uri);
  }

  public void unsubscribe(String uri) {
    subscriptions.remove(uri);
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
        cache.invalidate(McpMethods.RESOURCES_TEMPLATES_LIST);
        changed(McpMethods.RESOURCES_LIST, method, null);
      }
      case McpMethods.NOTIFICATION_RESOURCES_UPDATED -> changed(null, method, Json.text(params, "uri"));
      case McpMethods.NOTIFICATION_MESSAGE -> {
        if (env.log() != null) {
          McpSession.safely(() -> env.log().onLog(attributedOrigin(), Json.text(params, "level"), Json.text(params, "logger"),
              params.get("data")));
        }
      }
      default -> { } // acknowledgements and notifications of later revisions need no action
    }
  }

  private void changed(String listMethod, String what, String uri) {
    if (listMethod != null) {
      cache.invalidate(listMethod);
    }
    if (env.changes() != null) {
      McpSession.safely(() -> env.changes().onChange(config.name(), what, uri));
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

  JsonNode join(CompletableFuture<JsonNode> future) {
    return McpSession.await(future, cause -> new McpClientException(config.name(), ErrorCodes.INTERNAL_ERROR,
        String.valueOf(cause.getMessage()), null, cause));
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
}
