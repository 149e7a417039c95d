package dev.concierge.gateway.http;

import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.DownstreamSession;
import dev.concierge.gateway.mcp.ServerEngine;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.HeaderRules;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.ProtocolVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Streamable HTTP at {@code /mcp} for both eras on one URL. A POST whose body is {@code initialize}, or that carries
 * {@code Mcp-Session-Id}, is legacy (2025-11-25 and earlier: sessions, GET stream, DELETE, resumption); a request
 * whose {@code _meta} names a 2026-07-28 version is modern (stateless; headers checked against the body).
 */
final class McpEndpoint {
  static final String SESSION_HEADER = "Mcp-Session-Id";

  private final ServerEngine engine;
  private final int maxBodyBytes;
  private final int maxStreamsPerPrincipal;
  private final Map<String, Map<String, EventStream>> streams = new ConcurrentHashMap<>();
  /** The GET stream of each session whose stream this node holds. */
  private final Map<String, SessionStream> sessionStreams = new ConcurrentHashMap<>();
  private final Map<Principal, AtomicLong> openStreams = new ConcurrentHashMap<>();
  private final AtomicLong nextStream = new AtomicLong(1);
  /** Requests still running: their channels get keep-alives, so a client that left is noticed. */
  private final java.util.Set<PostChannel> running = ConcurrentHashMap.newKeySet();

  /** Resumes POST streams across nodes. */
  private final StreamRelay relay;

  McpEndpoint(ServerEngine engine, int maxBodyBytes, int maxStreamsPerPrincipal) {
    this.engine = engine;
    this.maxBodyBytes = maxBodyBytes;
    this.maxStreamsPerPrincipal = maxStreamsPerPrincipal;
    this.relay = new StreamRelay(engine.state(), this::keptStream);
  }

  /** One of this node's kept POST streams of a session, or null. */
  private EventStream keptStream(String sessionId, String streamId) {
    Map<String, EventStream> kept = streams.get(sessionId);
    return kept == null ? null : kept.get(streamId);
  }

  /** Answers a GET with an SSE stream, its headers sent at once; {@code onFailure} hears that the client left. */
  private static ResponseWriter openSse(Response response, Callback callback,
      java.util.function.Consumer<Throwable> onFailure) {
    response.setStatus(200);
    Http.sseHeaders(response);
    ResponseWriter writer = new ResponseWriter(response, callback, onFailure);
    writer.write(new byte[0], false); // commit the headers at once
    return writer;
  }

  void handle(Principal principal, Request request, Response response, Callback callback) throws Exception {
    Map<String, String> headers = Http.headers(request);
    switch (request.getMethod()) {
      case "POST" -> post(principal, headers, request, response, callback);
      case "GET" -> get(principal, headers, request, response, callback);
      case "DELETE" -> delete(principal, headers, response, callback);
      default -> {
        response.getHeaders().put("Allow", "GET, POST, DELETE");
        Http.error(response, callback, 405, null, ErrorCodes.CONNECTION_CLOSED, "Method not allowed");
      }
    }
  }

  private void post(Principal principal, Map<String, String> headers, Request request, Response response,
      Callback callback) throws Exception {
    String body = Http.body(request, maxBodyBytes);
    if (body == null) {
      Http.error(response, callback, 413, null, ErrorCodes.INVALID_REQUEST, "Request body larger than "
          + maxBodyBytes + " bytes");
      return;
    }
    JsonRpcMessage message;
    try {
      if (body.stripLeading().startsWith("[")) {
        throw new McpException(ErrorCodes.INVALID_REQUEST, "JSON-RPC batches are not supported; send one message "
            + "per request");
      }
      message = JsonRpcMessage.parse(body);
    } catch (McpException e) {
      Http.json(response, callback, 400, JsonRpcResponse.failure(null, e.toError()));
      return;
    }
    String sessionId = headers.get("mcp-session-id");
    if (message instanceof JsonRpcRequest rpc && McpMethods.INITIALIZE.equals(rpc.method()) && sessionId == null
        && rpc.paramsOrEmpty().has("protocolVersion")) {
      initialize(principal, rpc, response, callback);
      return;
    }
    if (sessionId != null) {
      DownstreamSession session = engine.session(sessionId, principal);
      if (session == null) {
        Http.error(response, callback, 404, idOf(message), ErrorCodes.INVALID_REQUEST,
            "Session not found: it expired or was closed; initialize a new one");
        return;
      }
      String version = headers.get("mcp-protocol-version");
      if (version != null && ProtocolVersion.parse(version).isEmpty()) {
        Http.error(response, callback, 400, idOf(message), ErrorCodes.INVALID_REQUEST,
            "Unsupported MCP-Protocol-Version: " + version);
        return;
      }
      legacy(session, message, headers, response, callback);
      return;
    }
    if (isModern(message, headers)) {
      modern(principal, message, headers, request, response, callback);
      return;
    }
    Http.error(response, callback, 400, idOf(message), ErrorCodes.INVALID_REQUEST,
        "Bad Request: no Mcp-Session-Id header; send initialize first, or a 2026-07-28 request with its _meta");
  }

  private void initialize(Principal principal, JsonRpcRequest rpc, Response response, Callback callback) {
    ServerEngine.Initialized done = engine.initialize(principal, rpc, true);
    if (done.session() != null) {
      response.getHeaders().put(SESSION_HEADER, done.session().id());
      streams.put(done.session().id(), new ConcurrentHashMap<>());
    }
    Http.json(response, callback, done.session() != null ? 200 : 400, done.response());
  }

  private void legacy(DownstreamSession session, JsonRpcMessage message, Map<String, String> headers,
      Response response, Callback callback) {
    if (message instanceof JsonRpcNotification n) {
      engine.notification(session, n);
      accepted(response, callback);
    } else if (message instanceof JsonRpcResponse r) {
      engine.response(session, r);
      accepted(response, callback);
    } else if (message instanceof JsonRpcRequest rpc) {
      Map<String, EventStream> kept = streams.computeIfAbsent(session.id(), k -> new ConcurrentHashMap<>());
      PostChannel channel = new PostChannel(response, callback, false, Http.accepts(headers, "text/event-stream"),
          relay.streamId(nextStream.getAndIncrement(), rpc.id()), s -> keep(kept, s), () -> { });
      running.add(channel);
      engine.request(session.principal(), session, rpc, channel);
    }
  }

  private void modern(Principal principal, JsonRpcMessage message, Map<String, String> headers, Request request,
      Response response, Callback callback) {
    if (!(message instanceof JsonRpcRequest rpc)) {
      accepted(response, callback); // cancellation in this era is closing the stream; nothing else is expected
      return;
    }
    JsonRpcError invalid = HeaderRules.check(rpc, headers, tool -> engine.handler().inputSchema(principal, tool));
    if (invalid == null) {
      invalid = envelopeError(rpc);
    }
    if (invalid != null) {
      Http.json(response, callback, 400, JsonRpcResponse.failure(rpc.id(), invalid));
      return;
    }
    boolean listen = McpMethods.SUBSCRIPTIONS_LISTEN.equals(rpc.method());
    if (listen && !reserveStream(principal)) {
      Http.error(response, callback, 429, rpc.id(), ErrorCodes.INVALID_REQUEST, "Too many open streams for this "
          + "user (limit " + maxStreamsPerPrincipal + ")");
      return;
    }
    Runnable[] cancel = new Runnable[1];
    java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable onGone = () -> {
      if (cancel[0] != null && gone.compareAndSet(false, true)) {
        cancel[0].run(); // in this era, a client closing the stream cancels the request
      }
    };
    PostChannel channel = new PostChannel(response, callback, true, listen || Http.accepts(headers,
        "text/event-stream"), "m", null, onGone);
    running.add(channel);
    cancel[0] = engine.request(principal, null, rpc, channel);
    if (listen) {
      Runnable close = cancel[0];
      cancel[0] = () -> {
        close.run();
        releaseStream(principal);
      };
    }
    request.addFailureListener(failure -> onGone.run());
  }

  private void get(Principal principal, Map<String, String> headers, Request request, Response response,
      Callback callback) {
    String sessionId = headers.get("mcp-session-id");
    if (sessionId == null) {
      response.getHeaders().put("Allow", "POST");
      Http.error(response, callback, 405, null, ErrorCodes.CONNECTION_CLOSED, "GET needs an Mcp-Session-Id "
          + "(2026-07-28 clients use subscriptions/listen)");
      return;
    }
    DownstreamSession session = engine.session(sessionId, principal);
    if (session == null) {
      Http.error(response, callback, 404, null, ErrorCodes.INVALID_REQUEST, "Session not found");
      return;
    }
    if (!Http.accepts(headers, "text/event-stream")) {
      Http.error(response, callback, 406, null, ErrorCodes.INVALID_REQUEST, "GET must accept text/event-stream");
      return;
    }
    String lastEventId = headers.get("last-event-id");
    String postStream = SessionStream.position(lastEventId) < 0 ? EventStream.streamOf(lastEventId) : null;
    if (StreamRelay.nodeOf(postStream) != null) {
      resumePostStream(session, postStream, EventStream.parseSeq(lastEventId, postStream), request, response,
          callback);
      return;
    }
    long resumeAfter = SessionStream.position(lastEventId);
    if (!reserveStream(principal)) {
      Http.error(response, callback, 429, null, ErrorCodes.INVALID_REQUEST, "Too many open streams for this user");
      return;
    }
    SessionStream stream = new SessionStream(engine.state(), session);
    java.util.function.Consumer<JsonRpcMessage> sink = stream::send;
    if (resumeAfter > 0) {
      engine.takeOverStream(session, sink); // the client reconnected: this connection replaces the broken one
    } else if (!engine.attachStream(session, sink)) {
      releaseStream(principal);
      Http.error(response, callback, 409, null, ErrorCodes.INVALID_REQUEST, "This session already has a GET stream");
      return;
    }
    SessionStream previous = sessionStreams.put(session.id(), stream);
    if (previous != null) {
      previous.end();
    }
    session.onEnd(stream::end); // closed here or on another node: the stream ends with the session
    java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable onGone = () -> {
      if (gone.compareAndSet(false, true)) {
        session.detachStream(sink);
        sessionStreams.remove(session.id(), stream);
        releaseStream(principal);
      }
    };
    ResponseWriter writer = openSse(response, callback, e -> onGone.run());
    request.addFailureListener(failure -> onGone.run());
    stream.attach(writer, resumeAfter);
    stream.prime();
  }

  /**
   * A POST's response stream, resumed: replayed here when this node runs its request, else relayed from the node
   * that does. A stream no node has (its node stopped) ends with an error for its request, never silence.
   */
  private void resumePostStream(DownstreamSession session, String streamId, long afterSeq, Request request,
      Response response, Callback callback) {
    if (!relay.isLocal(streamId)) {
      // A relayed stream holds a connection here while another node feeds it: it counts as one of the user's streams.
      Principal principal = session.principal();
      if (!reserveStream(principal)) {
        Http.error(response, callback, 429, null, ErrorCodes.INVALID_REQUEST, "Too many open streams for this user");
        return;
      }
      java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) {
          releaseStream(principal);
        }
      };
      Callback counted = Callback.from(() -> {
        release.run();
        callback.succeeded();
      }, failure -> {
        release.run();
        callback.failed(failure);
      });
      Runnable[] onGone = {() -> { }};
      ResponseWriter writer = openSse(response, counted, e -> onGone[0].run());
      Runnable cancel = relay.resume(session.id(), streamId, afterSeq, writer);
      onGone[0] = () -> {
        cancel.run();
        release.run();
      };
      request.addFailureListener(failure -> onGone[0].run());
      return;
    }
    ResponseWriter writer = openSse(response, callback, e -> { });
    EventStream stream = keptStream(session.id(), streamId);
    if (stream == null) {
      StreamRelay.endUnresumable(StreamRelay.requestOf(streamId), writer);
    } else {
      stream.attach(writer, Math.max(afterSeq, 0));
    }
  }

  private void delete(Principal principal, Map<String, String> headers, Response response, Callback callback) {
    String sessionId = headers.get("mcp-session-id");
    DownstreamSession session = sessionId == null ? null : engine.session(sessionId, principal);
    if (session == null) {
      Http.error(response, callback, sessionId == null ? 400 : 404, null, ErrorCodes.INVALID_REQUEST,
          sessionId == null ? "DELETE needs an Mcp-Session-Id" : "Session not found");
      return;
    }
    engine.close(session);
    Map<String, EventStream> kept = streams.remove(session.id());
    if (kept != null) {
      kept.values().forEach(EventStream::end); // its GET stream ends with it
    }
    response.setStatus(200);
    callback.succeeded();
  }

  /** Keep-alives on every running request and every open stream; called periodically. */
  void keepAlive() {
    relay.tick();
    running.removeIf(PostChannel::isDone);
    running.forEach(PostChannel::keepAlive);
    sessionStreams.values().forEach(SessionStream::keepAlive);
    for (Map<String, EventStream> kept : streams.values()) {
      for (EventStream s : kept.values()) {
        s.keepAlive();
      }
    }
  }

  void shutdown() {
    relay.close();
  }

  /** Forgets the streams of sessions that no longer exist. */
  void sweep(java.util.function.Predicate<String> sessionAlive) {
    streams.keySet().removeIf(id -> !sessionAlive.test(id));
    sessionStreams.values().removeIf(SessionStream::ended);
    for (Map<String, EventStream> kept : streams.values()) {
      kept.values().removeIf(s -> s.ended() && !s.attached());
    }
  }

  private static void keep(Map<String, EventStream> kept, EventStream stream) {
    if (kept.size() >= 256) {
      kept.values().removeIf(EventStream::ended);
    }
    kept.put(stream.id(), stream);
  }

  private boolean reserveStream(Principal principal) {
    AtomicLong count = openStreams.computeIfAbsent(principal, p -> new AtomicLong());
    if (count.incrementAndGet() > maxStreamsPerPrincipal) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  private void releaseStream(Principal principal) {
    AtomicLong count = openStreams.get(principal);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  private static boolean isModern(JsonRpcMessage message, Map<String, String> headers) {
    String header = headers.get("mcp-protocol-version");
    if (header != null && ProtocolVersion.parse(header).map(v -> !v.era().equals(dev.concierge.protocol.Era.LEGACY))
        .orElse(false)) {
      return true;
    }
    com.fasterxml.jackson.databind.node.ObjectNode params = message instanceof JsonRpcRequest r ? r.paramsOrEmpty()
        : message instanceof JsonRpcNotification n ? n.paramsOrEmpty() : null;
    return params != null && Json.text(Json.obj(params, "_meta"), MetaKeys.PROTOCOL_VERSION) != null;
  }

  private static JsonRpcError envelopeError(JsonRpcRequest rpc) {
    try {
      ServerEngine.checkEnvelope(rpc);
      return null;
    } catch (McpException e) {
      return e.toError();
    }
  }

  private static void accepted(Response response, Callback callback) {
    response.setStatus(202);
    callback.succeeded();
  }

  private static dev.concierge.protocol.RequestId idOf(JsonRpcMessage message) {
    return message instanceof JsonRpcRequest r ? r.id() : null;
  }
}
