package dev.concierge.gateway.http;

import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.Channel;
import dev.concierge.gateway.mcp.DownstreamSession;
import dev.concierge.gateway.mcp.ServerEngine;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The deprecated HTTP+SSE transport of 2024-11-05, for old clients: {@code GET /sse} opens the stream and names the
 * URL to POST to in an {@code endpoint} event; every POST to {@code /messages?sessionId=...} is answered 202 and its
 * response travels on the stream.
 */
final class LegacySseEndpoint {
  static final String SSE_PATH = "/sse";
  static final String MESSAGES_PATH = "/messages";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerEngine engine;
  private final int maxBodyBytes;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  /** One open SSE stream and, once initialized, its session. */
  private static final class Connection {
    final Principal principal;
    final ResponseWriter writer;
    volatile DownstreamSession session;

    Connection(Principal principal, ResponseWriter writer) {
      this.principal = principal;
      this.writer = writer;
    }

    void send(JsonRpcMessage message) {
      writer.write(Http.sseEvent(null, message), false);
    }
  }

  LegacySseEndpoint(ServerEngine engine, int maxBodyBytes) {
    this.engine = engine;
    this.maxBodyBytes = maxBodyBytes;
  }

  void open(Principal principal, Request request, Response response, Callback callback) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    response.setStatus(200);
    Http.sseHeaders(response);
    ResponseWriter writer = new ResponseWriter(response, callback, e -> closed(id));
    Connection connection = new Connection(principal, writer);
    connections.put(id, connection);
    writer.write(("event: endpoint\ndata: " + MESSAGES_PATH + "?sessionId=" + id + "\n\n")
        .getBytes(StandardCharsets.UTF_8), false);
  }

  void post(Principal principal, Request request, Response response, Callback callback) throws Exception {
    Fields query = Request.extractQueryParameters(request);
    String id = query.getValue("sessionId");
    Connection connection = id == null ? null : connections.get(id);
    if (connection == null || !connection.principal.equals(principal)) {
      Http.error(response, callback, 404, null, ErrorCodes.INVALID_REQUEST, "Unknown sessionId: open GET /sse first");
      return;
    }
    String body = Http.body(request, maxBodyBytes);
    if (body == null) {
      Http.error(response, callback, 413, null, ErrorCodes.INVALID_REQUEST, "Request body too large");
      return;
    }
    JsonRpcMessage message;
    try {
      message = JsonRpcMessage.parse(body);
    } catch (McpException e) {
      Http.json(response, callback, 400, JsonRpcResponse.failure(null, e.toError()));
      return;
    }
    response.setStatus(202);
    callback.succeeded();
    dispatch(connection, message);
  }

  private void dispatch(Connection connection, JsonRpcMessage message) {
    DownstreamSession session = connection.session;
    if (message instanceof JsonRpcRequest rpc && McpMethods.INITIALIZE.equals(rpc.method()) && session == null) {
      ServerEngine.Initialized done = engine.initialize(connection.principal, rpc, true);
      if (done.session() != null) {
        connection.session = done.session();
        engine.attachStream(done.session(), connection::send);
      }
      connection.send(done.response());
      return;
    }
    if (session == null) {
      if (message instanceof JsonRpcRequest rpc) {
        connection.send(JsonRpcResponse.failure(rpc.id(), new McpException(ErrorCodes.INVALID_REQUEST,
            "send initialize first").toError()));
      }
      return;
    }
    if (message instanceof JsonRpcRequest rpc) {
      engine.request(session.principal(), session, rpc, new Channel() {
        @Override
        public void interim(JsonRpcMessage m) {
          connection.send(m);
        }

        @Override
        public void complete(JsonRpcResponse r) {
          connection.send(r);
        }
      });
    } else if (message instanceof JsonRpcNotification n) {
      engine.notification(session, n);
    } else if (message instanceof JsonRpcResponse r) {
      engine.response(session, r);
    }
  }

  void keepAlive() {
    for (Connection c : connections.values()) {
      c.writer.write(Http.SSE_COMMENT, false);
    }
  }

  private void closed(String id) {
    Connection connection = connections.remove(id);
    if (connection != null && connection.session != null) {
      engine.close(connection.session);
    }
  }

  void shutdown() {
    for (String id : connections.keySet()) {
      Connection c = connections.remove(id);
      if (c != null) {
        c.writer.write(new byte[0], true);
      }
    }
  }
}
