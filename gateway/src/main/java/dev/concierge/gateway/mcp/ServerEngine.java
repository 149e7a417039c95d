package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.ProtocolVersion;
import dev.concierge.protocol.RequestId;
import dev.concierge.context.LocalStateStore;
import dev.concierge.context.StateStore;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The server side of MCP for both eras, independent of transport: the {@code initialize} handshake and legacy
 * sessions, the 2026-07-28 per-request envelope, multi round-trip input ({@code input_required} with a signed
 * {@code requestState}), {@code subscriptions/listen}, logging levels, cancellation, and questions to the client.
 * What each request means is the {@link McpHandler}'s business.
 *
 * <p>Transports call {@link #initialize}, {@link #request}, {@link #notification} and {@link #response} with messages
 * they parsed and a {@link Channel} to answer on. Handler failures become JSON-RPC errors; nothing internal (stack
 * traces, exception class names) reaches the wire.
 */
public final class ServerEngine {
  private static final System.Logger LOG = System.getLogger(ServerEngine.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Versions a legacy client may agree on, newest first. */
  static final List<String> LEGACY_VERSIONS = ProtocolVersion.newestFirst(Era.LEGACY).stream()
      .map(ProtocolVersion::id).toList();
  static final List<String> MODERN_VERSIONS = ProtocolVersion.newestFirst(Era.MODERN).stream()
      .map(ProtocolVersion::id).toList();

  /** requestState values: a request waiting on this node, a handler's own state, or no state. */
  private static final String WAITING = "c:";
  private static final String RELAYED = "u:";
  private static final String NO_STATE = "n";
  /** Where a node passes a legacy client's answer to the node that asked the question. */
  private static final String ANSWER_TOPIC = "session-answer";
  private static final String STREAM_TAKEN_TOPIC = "session-stream-taken";
  private static final String MESSAGE_TOPIC = "session-message";
  /** This engine among those sharing the state store (one per node; tests run several in one JVM). */
  private final String instance = java.util.UUID.randomUUID().toString();
  /** The answer to a request its client cancelled, where the transport needs one to end the exchange. */
  private static final int REQUEST_CANCELLED = -32800;
  /** Results that carry {@code ttlMs} and {@code cacheScope} in 2026-07-28. */
  private static final java.util.Set<String> CACHEABLE = java.util.Set.of(McpMethods.TOOLS_LIST,
      McpMethods.PROMPTS_LIST, McpMethods.RESOURCES_LIST, McpMethods.RESOURCES_TEMPLATES_LIST,
      McpMethods.RESOURCES_READ);

  private final McpHandler handler;
  private final EngineSettings settings;
  private final LongSupplier clock;
  private final SessionRegistry sessions;
  private final StateStore state;
  private final ContinuationRelay relay;
  private final RequestStateCodec codec;
  private final Map<String, Continuation> continuations = new ConcurrentHashMap<>();
  private final ListenStreams listens = new ListenStreams();
  private final ObjectNode serverInfo;

  /** An engine for one process: its sessions in memory. */
  public ServerEngine(McpHandler handler, EngineSettings settings, LongSupplier clock) {
    this(handler, settings, clock, new LocalStateStore(null));
  }

  /** An engine whose sessions live in {@code state}, shared with every node that uses the same store. */
  public ServerEngine(McpHandler handler, EngineSettings settings, LongSupplier clock, StateStore state) {
    this.handler = handler;
    this.settings = settings;
    this.clock = clock;
    this.state = state;
    this.sessions = new SessionRegistry(state, settings.maxSessionsPerPrincipal(), settings.sessionIdle().toMillis(),
        clock, this::end, s -> reconcile(s, false));
    state.subscribe(ANSWER_TOPIC, this::answerFromElsewhere);
    state.subscribe(STREAM_TAKEN_TOPIC, this::streamTakenElsewhere);
    state.subscribe(MESSAGE_TOPIC, this::messageFromElsewhere);
    this.relay = new ContinuationRelay(state, this::retry);
    this.codec = new RequestStateCodec(settings.stateKey(), clock);
    this.serverInfo = handler.describe(dev.concierge.gateway.auth.Principal.LOCAL).serverInfo();
  }

  public McpHandler handler() {
    return handler;
  }

  /** The outcome of {@code initialize}: the session it opened (or {@code null} on error) and the response. */
  public record Initialized(DownstreamSession session, JsonRpcResponse response) {}

  /**
   * Opens a legacy session. The version is the client's when this server speaks it, else the newest legacy one
   * (the client then decides whether it can go on).
   *
   * @param register whether the session is kept in the registry (HTTP) or lives with its connection (stdio)
   */
  public Initialized initialize(Principal principal, JsonRpcRequest request, boolean register) {
    ObjectNode params = request.paramsOrEmpty();
    String requested = Json.text(params, "protocolVersion");
    if (requested == null) {
      return new Initialized(null, JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INVALID_PARAMS,
          "initialize needs params.protocolVersion", null)));
    }
    ProtocolVersion version = LEGACY_VERSIONS.contains(requested) ? ProtocolVersion.require(requested)
        : ProtocolVersion.LATEST_LEGACY;
    ClientInfo client = new ClientInfo(version, Json.obj(params, "capabilities"), Json.obj(params, "clientInfo"));
    DownstreamSession session;
    try {
      session = register ? sessions.open(principal, client) : new DownstreamSession(newId(), principal, client,
          clock.getAsLong());
    } catch (McpException e) {
      return new Initialized(null, JsonRpcResponse.failure(request.id(), e.toError()));
    }
    ServerDescription description = handler.describe(principal);
    ObjectNode result = Json.object().put("protocolVersion", version.id());
    result.set("capabilities", capabilities(description));
    result.set("serverInfo", description.serverInfo());
    if (description.instructions() != null) {
      result.put("instructions", description.instructions());
    }
    return new Initialized(session, JsonRpcResponse.success(request.id(), result));
  }

  /** Where this engine keeps sessions and passes messages between nodes. */
  public StateStore state() {
    return state;
  }

  /**
   * Makes {@code sink} the session's stream here, and tells every other node to stop writing to the one it held
   * (a client resumed its stream on this node after the connection to another broke).
   */
  public void takeOverStream(DownstreamSession session, java.util.function.Consumer<JsonRpcMessage> sink) {
    session.replaceStream(sink);
    reconcile(session, false);
    try {
      state.publish(STREAM_TAKEN_TOPIC, Json.write(Json.object().put("session", session.id())
          .put("engine", instance)));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not tell other nodes a stream moved: " + e.getMessage());
    }
  }

  private void streamTakenElsewhere(String message) {
    ObjectNode note = (ObjectNode) Json.parse(message);
    DownstreamSession session = sessions.live(Json.text(note, "session"));
    if (session != null && !instance.equals(Json.text(note, "engine"))) {
      session.dropStream();
      reconcile(session, false);
    }
  }

  /** A message for a session whose stream another node holds (a resource it subscribed to here changed). */
  private void messageFromElsewhere(String message) {
    ObjectNode note = (ObjectNode) Json.parse(message);
    DownstreamSession session = sessions.live(Json.text(note, "session"));
    if (session != null) {
      session.sendOnStream(JsonRpcMessage.parse(note.get("message")));
    }
  }

  /** Whether this node holds a copy of the session (its streams and requests may be here). */
  public boolean holds(String sessionId) {
    return sessions.live(sessionId) != null;
  }

  /** The principal's live session with this id, or {@code null} (unknown, expired, closed, or not theirs). */
  public DownstreamSession session(String id, Principal principal) {
    return sessions.find(id, principal);
  }

  /**
   * Ends a session (HTTP DELETE, or its connection went away) on every node: its record is removed, and each node's
   * copy is ended as {@link #end} does.
   */
  public void close(DownstreamSession session) {
    sessions.remove(session);
    end(session);
  }

  /** Ends this node's copy of a session: requests cancelled, questions failed, subscriptions and stream ended. */
  private void end(DownstreamSession session) {
    session.ended();
    session.inFlight().values().forEach(Exchange::cancel);
    session.questions().values().forEach(q -> q.completeExceptionally(new McpException(ErrorCodes.CONNECTION_CLOSED,
        "the client closed its session")));
    reconcile(session, true);
  }

  /**
   * Upstream subscriptions follow the session's stream: the node that holds it subscribes its upstreams to every
   * resource the session subscribed to, wherever the request came in, and drops them when another node takes the
   * stream over or the session ends. So the updates keep coming when the node that served the subscribe dies: the
   * client's stream resumes on a survivor, which subscribes. One node subscribes, so no update arrives twice.
   */
  private void reconcile(DownstreamSession session, boolean ending) {
    DownstreamSession.SubscriptionChange change = session.reconcileSubscriptions(ending);
    change.removed().forEach(uri -> handler.unsubscribed(session.principal(), uri));
    change.added().forEach(uri -> handler.subscribed(session.principal(), uri));
  }

  /** Attaches the session's stream here, unless one is attached already; this node then holds its subscriptions. */
  public boolean attachStream(DownstreamSession session, java.util.function.Consumer<JsonRpcMessage> sink) {
    if (!session.attachStream(sink)) {
      return false;
    }
    reconcile(session, false);
    return true;
  }

  /**
   * Serves one request. {@code session} is the legacy session it belongs to, or {@code null} for a 2026-07-28
   * request (whose {@code _meta} envelope is checked here).
   *
   * @return cancels the request (its client went away); safe to call after it finished
   */
  public Runnable request(Principal principal, DownstreamSession session, JsonRpcRequest request, Channel channel) {
    try {
      if (session != null) {
        return serveLegacy(session, request, channel);
      }
      return serveModern(principal, request, channel);
    } catch (McpException e) {
      channel.complete(JsonRpcResponse.failure(request.id(), e.toError()));
      return () -> { };
    }
  }

  /** A notification from a legacy client: {@code cancelled} acts; the others ({@code initialized}, ...) need nothing. */
  public void notification(DownstreamSession session, JsonRpcNotification notification) {
    if (McpMethods.NOTIFICATION_CANCELLED.equals(notification.method())) {
      RequestId id = requestId(notification.paramsOrEmpty().get("requestId"));
      Exchange exchange = id == null ? null : session.inFlight().remove(id);
      if (exchange != null) {
        exchange.cancel();
      }
    }
  }

  /** A legacy client's answer to one of our questions (elicitation, sampling, roots). */
  public void response(DownstreamSession session, JsonRpcResponse response) {
    CompletableFuture<ObjectNode> question = session.questions().remove(response.id());
    if (question == null) {
      if (response.id() != null) {
        // asked by the node running the request; that node hears the answer through the store
        ObjectNode note = Json.object().put("session", session.id());
        note.set("response", response.toJson());
        try {
          state.publish(ANSWER_TOPIC, Json.write(note));
        } catch (IOException | IllegalArgumentException e) {
          LOG.log(System.Logger.Level.WARNING, "could not pass an answer to the node that asked: " + e.getMessage());
        }
      }
      return; // otherwise late, duplicate, or never asked: nothing waits for it
    }
    if (response.isError()) {
      JsonRpcError e = response.error();
      question.completeExceptionally(new McpException(e.code(), e.message(), e.data()));
    } else if (response.result() instanceof ObjectNode result) {
      question.complete(result);
    } else {
      question.completeExceptionally(new McpException(ErrorCodes.INVALID_PARAMS, "the answer's result is not an object"));
    }
  }

  private void answerFromElsewhere(String message) {
    ObjectNode note = (ObjectNode) Json.parse(message);
    DownstreamSession session = sessions.live(Json.text(note, "session"));
    JsonRpcMessage response = JsonRpcMessage.parse(note.get("response"));
    if (session != null && response instanceof JsonRpcResponse r && session.questions().containsKey(r.id())) {
      response(session, r);
    }
  }

  /** Tells every interested client that a list changed; {@code audience} says which principals may know. */
  public void listChanged(String method, Predicate<Principal> audience) {
    // Each node's own upstream connections tell it: the node holding a session's stream hears the change itself.
    JsonRpcNotification n = new JsonRpcNotification(method, Json.object());
    for (DownstreamSession s : sessions.all()) {
      if (audience.test(s.principal())) {
        s.sendOnStream(n);
      }
    }
    listens.listChanged(method, audience);
  }

  /** Tells the clients subscribed to {@code uri} that it changed. */
  public void resourceUpdated(String uri, Predicate<Principal> audience) {
    JsonRpcNotification n = new JsonRpcNotification(McpMethods.NOTIFICATION_RESOURCES_UPDATED,
        Json.object().put("uri", uri));
    for (DownstreamSession s : sessions.all()) {
      if (s.subscriptions().contains(uri) && audience.test(s.principal())) {
        deliver(s, n);
      }
    }
    listens.resourceUpdated(uri, audience);
  }

  /**
   * Writes a notification on the session's GET stream; when another node holds that stream (it was taken over after
   * this node's upstream had the subscription), passes it on to that node through the state store.
   */
  private void deliver(DownstreamSession s, JsonRpcNotification n) {
    if (s.sendOnStream(n)) {
      return;
    }
    ObjectNode note = Json.object().put("session", s.id());
    note.set("message", n.toJson());
    try {
      state.publish(MESSAGE_TOPIC, Json.write(note));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not pass " + n.method() + " on: " + e.getMessage());
    }
  }

  /** Periodic housekeeping: closes idle sessions, abandons requests whose client never answered. */
  public void expire() {
    sessions.expire(this::close);
    long now = clock.getAsLong();
    for (Continuation c : continuations.values()) {
      if (c.expiresAtMillis() > 0 && c.expiresAtMillis() < now && continuations.remove(c.id()) != null) {
        c.abandon("the client did not answer the input request in time");
      }
    }
  }

  /** Ends every listen stream gracefully and every session (the node is shutting down). */
  public void shutdown() {
    listens.closeAll();
    for (DownstreamSession s : List.copyOf(sessions.all())) {
      close(s);
    }
    continuations.values().forEach(c -> c.abandon("the gateway is shutting down"));
    continuations.clear();
    relay.close();
  }

  // ---- legacy ----

  private Runnable serveLegacy(DownstreamSession session, JsonRpcRequest request, Channel channel) {
    ObjectNode params = request.paramsOrEmpty();
    switch (request.method()) {
      case McpMethods.PING -> {
        channel.complete(JsonRpcResponse.success(request.id(), Json.object()));
        return () -> { };
      }
      case McpMethods.LOGGING_SET_LEVEL -> {
        String level = Json.text(params, "level");
        if (level == null || !LogLevels.isValid(level)) {
          throw new McpException(ErrorCodes.INVALID_PARAMS, "level must be one of " + LogLevels.ORDER);
        }
        session.logLevel(level);
        sessions.save(session);
        channel.complete(JsonRpcResponse.success(request.id(), Json.object()));
        return () -> { };
      }
      case McpMethods.RESOURCES_SUBSCRIBE, McpMethods.RESOURCES_UNSUBSCRIBE -> {
        String uri = Json.text(params, "uri");
        if (uri == null) {
          throw new McpException(ErrorCodes.INVALID_PARAMS, "params.uri is required");
        }
        if (McpMethods.RESOURCES_SUBSCRIBE.equals(request.method())) {
          session.subscriptions().add(uri);
        } else {
          session.subscriptions().remove(uri);
        }
        sessions.save(session); // the node holding the stream (maybe this one) subscribes upstream
        reconcile(session, false);
        channel.complete(JsonRpcResponse.success(request.id(), Json.object()));
        return () -> { };
      }
      case McpMethods.INITIALIZE -> throw new McpException(ErrorCodes.INVALID_REQUEST,
          "the session is already initialized");
      default -> { }
    }
    Exchange exchange = new Exchange(session.principal(), request.method(), params, session.client(), session.id(),
        channel, (ex, method, p) -> askLegacy(session, ex, method, p), session.logLevel());
    session.inFlight().put(request.id(), exchange);
    invoke(exchange).whenComplete((result, error) -> {
      session.inFlight().remove(request.id());
      channel.complete(toResponse(request.id(), result, error, false));
    });
    return () -> {
      session.inFlight().remove(request.id());
      exchange.cancel();
    };
  }

  private CompletableFuture<ObjectNode> askLegacy(DownstreamSession session, Exchange exchange, String method,
      ObjectNode params) {
    String capability = capabilityFor(method);
    if (capability != null && !session.client().can(capability)) {
      return CompletableFuture.failedFuture(new McpException(ErrorCodes.METHOD_NOT_FOUND,
          "the client did not declare the " + capability + " capability"));
    }
    RequestId id = session.nextQuestionId();
    CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
    session.questions().put(id, answer);
    answer.whenComplete((v, e) -> session.questions().remove(id));
    exchange.cancelled().thenRun(() -> answer.completeExceptionally(new McpException(ErrorCodes.CONNECTION_CLOSED,
        "the client cancelled the request")));
    exchange.channel().interim(new JsonRpcRequest(id, method, params));
    return answer;
  }

  // ---- 2026-07-28 ----

  private Runnable serveModern(Principal principal, JsonRpcRequest request, Channel channel) {
    ObjectNode params = request.paramsOrEmpty();
    ClientInfo client = checkEnvelope(request);
    ObjectNode meta = Json.obj(params, "_meta");
    String logLevel = Json.text(meta, MetaKeys.LOG_LEVEL);
    switch (request.method()) {
      case McpMethods.SERVER_DISCOVER -> {
        channel.complete(JsonRpcResponse.success(request.id(), complete(discover(principal))));
        return () -> { };
      }
      case McpMethods.INITIALIZE, McpMethods.PING, McpMethods.LOGGING_SET_LEVEL, McpMethods.RESOURCES_SUBSCRIBE,
          McpMethods.RESOURCES_UNSUBSCRIBE -> throw new McpException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: "
          + request.method() + " (removed in " + client.version().id() + ")");
      case McpMethods.SUBSCRIPTIONS_LISTEN -> {
        ObjectNode filter = Json.obj(params, "notifications");
        boolean subscribe = handler.describe(principal).capabilities().path("resources").path("subscribe")
            .asBoolean(false);
        ListenStreams.Stream stream = listens.open(principal, request.id(), filter == null ? Json.object() : filter,
            subscribe, channel);
        List<String> uris = stream.uris();
        uris.forEach(uri -> handler.subscribed(principal, uri));
        return () -> {
          if (listens.close(stream)) {
            uris.forEach(uri -> handler.unsubscribed(principal, uri));
          }
        };
      }
      default -> { }
    }
    String name = nameOf(request);
    String state = Json.text(params, "requestState");
    ObjectNode clean = params; // the request's own tree: copied only where the engine changes it
    if (state != null) {
      clean = params.deepCopy();
      String value = codec.open(principal, request.method(), name, state);
      if (value.startsWith(WAITING)) {
        String[] where = value.substring(WAITING.length()).split("/", 2);
        if (where.length == 2 && !where[0].equals(ContinuationRelay.NODE)) {
          return relay.forward(where[0], where[1], principal.key(), request, channel); // it waits on another node
        }
        return retry(where[where.length - 1], principal.key(), request, channel);
      }
      // The handler's own state (a stateless handler, or an upstream server's), verified: hand it back unwrapped.
      if (value.startsWith(RELAYED)) {
        clean.put("requestState", value.substring(RELAYED.length()));
      } else {
        clean.remove("requestState");
      }
    }
    // The id is drawn only if the handler asks something: most requests never need one.
    Continuation continuation = new Continuation(ServerEngine::newId, principal, request.method(), name);
    Exchange exchange = new Exchange(principal, request.method(), clean, client, null, channel,
        (ex, method, p) -> askModern(continuation, ex, method, p), logLevel == null ? LogLevels.NONE : logLevel);
    continuation.watch(invoke(exchange));
    Runnable cancel = awaitRound(continuation, request, channel);
    return () -> {
      exchange.cancel();
      cancel.run();
    };
  }

  /** A client's retry with {@code inputResponses} for a request waiting on this node. */
  private Runnable retry(String id, String principalKey, JsonRpcRequest request, Channel channel) {
    Continuation waiting = continuations.get(id);
    if (waiting == null || !waiting.principal().key().equals(principalKey)) {
      channel.complete(JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INVALID_PARAMS,
          "requestState refers to a request that is no longer waiting (it finished, expired, or its gateway node "
              + "stopped); send the request again without it", null)));
      return () -> { };
    }
    waiting.answer(request.paramsOrEmpty().get("inputResponses"));
    return awaitRound(waiting, request, channel);
  }

  private CompletableFuture<ObjectNode> askModern(Continuation continuation, Exchange exchange, String method,
      ObjectNode params) {
    if (!McpMethods.supportsInputRequired(exchange.method())) {
      return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
          exchange.method() + " cannot ask the client for input in " + exchange.client().version().id()));
    }
    String capability = capabilityFor(method);
    if (capability != null && !exchange.client().can(capability)) {
      ObjectNode data = Json.object();
      data.putObject("requiredCapabilities").putObject(capability);
      return CompletableFuture.failedFuture(new McpException(ErrorCodes.MISSING_REQUIRED_CLIENT_CAPABILITY,
          "the client did not declare the " + capability + " capability", data));
    }
    if (!continuations.containsKey(continuation.id())) {
      long waiting = continuations.values().stream().filter(c -> c.principal().equals(exchange.principal())).count();
      if (waiting >= settings.maxPendingInputsPerPrincipal()) {
        return CompletableFuture.failedFuture(new McpException(ErrorCodes.INVALID_REQUEST,
            "too many requests of this user are waiting for input (limit "
                + settings.maxPendingInputsPerPrincipal() + ")"));
      }
      continuations.put(continuation.id(), continuation);
    }
    return continuation.ask(method, params);
  }

  /** Answers this round: the handler's result when it finished, else {@code input_required} with its questions. */
  private Runnable awaitRound(Continuation c, JsonRpcRequest request, Channel channel) {
    CompletableFuture<Void> next = c.next();
    next.whenComplete((v, e) -> {
      if (next.isCancelled()) {
        return;
      }
      try {
        answerRound(c, request, channel);
      } catch (RuntimeException failure) { // a callback's exception would vanish: the client must hear of it
        LOG.log(System.Logger.Level.WARNING, "answering " + request.method() + " failed", failure);
        channel.complete(JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INTERNAL_ERROR,
            "Internal error", null)));
      }
    });
    return () -> next.cancel(false);
  }

  private void answerRound(Continuation c, JsonRpcRequest request, Channel channel) {
    if (c.finished()) {
      if (c.hasId()) {
        continuations.remove(c.id());
      }
      c.abandon("the request finished without the answer");
      Throwable failed = failure(c.result());
      ObjectNode result = failed == null ? c.result().join() : null;
      if (result != null && "input_required".equals(Json.text(result, "resultType"))) {
        result = relayed(c, result);
      } else if (result != null && CACHEABLE.contains(c.method())) {
        // 2026-07-28 caching hints are required on these results; without better knowledge: do not cache, and
        // never share across users (what a user sees depends on who they are).
        if (!result.has("ttlMs")) {
          result.put("ttlMs", 0);
        }
        if (!result.has("cacheScope")) {
          result.put("cacheScope", "private");
        }
      }
      channel.complete(toResponse(request.id(), result, failed, true));
      return;
    }
    ObjectNode requests = c.takeRequests();
    if (requests.isEmpty()) {
      awaitRound(c, request, channel);
      return;
    }
    long expires = clock.getAsLong() + settings.inputTtl().toMillis();
    c.expiresAt(expires);
    ObjectNode result = Json.object().put("resultType", "input_required");
    result.set("inputRequests", requests);
    result.put("requestState", codec.seal(c.principal(), c.method(), c.name(), expires,
        WAITING + ContinuationRelay.NODE + "/" + c.id()));
    channel.complete(JsonRpcResponse.success(request.id(), decorate(result)));
  }

  /**
   * A handler answered {@code input_required} itself (it keeps no state between rounds, or relays an upstream
   * server's questions): its {@code requestState} is wrapped in ours, so the client cannot forge or move it.
   */
  private ObjectNode relayed(Continuation c, ObjectNode result) {
    if (!McpMethods.supportsInputRequired(c.method())) {
      throw new McpException(ErrorCodes.INTERNAL_ERROR, c.method() + " cannot ask for input");
    }
    String inner = Json.text(result, "requestState");
    long expires = clock.getAsLong() + settings.inputTtl().toMillis();
    result.put("requestState", codec.seal(c.principal(), c.method(), c.name(), expires,
        inner == null ? NO_STATE : RELAYED + inner));
    return result;
  }

  /** Checks the per-request {@code _meta} envelope of a 2026-07-28 request. */
  public static ClientInfo checkEnvelope(JsonRpcRequest request) {
    ObjectNode meta = Json.obj(request.paramsOrEmpty(), "_meta");
    String version = Json.text(meta, MetaKeys.PROTOCOL_VERSION);
    if (version == null) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "Request is missing the required _meta envelope ("
          + MetaKeys.PROTOCOL_VERSION + ", " + MetaKeys.CLIENT_CAPABILITIES + ")");
    }
    if (!MODERN_VERSIONS.contains(version)) {
      throw unsupported(version);
    }
    ObjectNode capabilities = Json.obj(meta, MetaKeys.CLIENT_CAPABILITIES);
    if (capabilities == null) {
      throw new McpException(ErrorCodes.INVALID_PARAMS, "Invalid _meta envelope: " + MetaKeys.CLIENT_CAPABILITIES
          + " is missing");
    }
    return new ClientInfo(ProtocolVersion.require(version), capabilities, Json.obj(meta, MetaKeys.CLIENT_INFO));
  }

  /** {@code -32022} naming every version this server speaks. */
  public static McpException unsupported(String requested) {
    ObjectNode data = Json.object();
    data.set("supported", Json.toTree(java.util.stream.Stream.concat(MODERN_VERSIONS.stream(),
        LEGACY_VERSIONS.stream()).toList()));
    if (requested != null) {
      data.put("requested", requested);
    }
    return new McpException(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + requested,
        data);
  }

  private ObjectNode discover(Principal principal) {
    ServerDescription description = handler.describe(principal);
    ObjectNode result = Json.object();
    result.set("supportedVersions", Json.toTree(java.util.stream.Stream.concat(MODERN_VERSIONS.stream(),
        LEGACY_VERSIONS.stream()).toList()));
    result.set("capabilities", capabilities(description));
    result.set("serverInfo", description.serverInfo());
    if (description.instructions() != null) {
      result.put("instructions", description.instructions());
    }
    return result;
  }

  private ObjectNode capabilities(ServerDescription description) {
    ObjectNode caps = description.capabilities().deepCopy();
    caps.putObject("logging");
    return caps;
  }

  // ---- shared ----

  private CompletableFuture<ObjectNode> invoke(Exchange exchange) {
    try {
      CompletableFuture<ObjectNode> result = handler.handle(exchange);
      return result == null ? CompletableFuture.failedFuture(new IllegalStateException("handler returned null"))
          : result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private JsonRpcResponse toResponse(RequestId id, ObjectNode result, Throwable error, boolean modern) {
    if (error == null) {
      ObjectNode value = result == null ? Json.object() : result;
      return JsonRpcResponse.success(id, modern ? complete(value) : value);
    }
    Throwable cause = unwrap(error);
    if (cause instanceof java.util.concurrent.CancellationException) {
      return JsonRpcResponse.failure(id, new JsonRpcError(REQUEST_CANCELLED, "Request cancelled", null));
    }
    if (cause instanceof McpException e) {
      return JsonRpcResponse.failure(id, e.toError());
    }
    LOG.log(System.Logger.Level.WARNING, "request " + id + " failed inside the gateway", cause);
    return JsonRpcResponse.failure(id, new JsonRpcError(ErrorCodes.INTERNAL_ERROR, "Internal error", null));
  }

  private static Throwable failure(CompletableFuture<ObjectNode> result) {
    try {
      result.getNow(null);
      return null;
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A modern result says whether it is complete and who answered. */
  private ObjectNode complete(ObjectNode result) {
    if (!result.has("resultType")) {
      result.put("resultType", "complete");
    }
    return decorate(result);
  }

  /** Every modern result names the server in {@code _meta} (2026-07-28, "Server identification"). */
  private ObjectNode decorate(ObjectNode result) {
    result.withObjectProperty("_meta").set(MetaKeys.SERVER_INFO, serverInfo);
    return result;
  }

  private static String capabilityFor(String method) {
    return switch (method) {
      case McpMethods.ELICITATION_CREATE -> "elicitation";
      case McpMethods.SAMPLING_CREATE_MESSAGE -> "sampling";
      case McpMethods.ROOTS_LIST -> "roots";
      default -> null;
    };
  }

  /** The tool or prompt name, or resource URI, a request is about. */
  static String nameOf(JsonRpcRequest request) {
    ObjectNode params = request.paramsOrEmpty();
    return switch (request.method()) {
      case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> Json.text(params, "name");
      case McpMethods.RESOURCES_READ -> Json.text(params, "uri");
      default -> null;
    };
  }

  private static RequestId requestId(JsonNode node) {
    try {
      return node == null ? null : RequestId.fromJson(node);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
