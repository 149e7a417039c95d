package dev.concierge.gateway.stdio;

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
import dev.concierge.protocol.RequestId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the engine over stdio for desktop hosts that spawn processes: one JSON-RPC message per line in, one per line
 * out, nothing else on stdout. One client, one principal (the local user); the era is the client's: {@code initialize}
 * opens the connection's legacy session, requests with a 2026-07-28 {@code _meta} stand alone.
 */
public final class StdioServer {
  private static final int MAX_LINE_CHARS = 16 << 20;

  private final ServerEngine engine;
  private final Principal principal;
  private final OutputStream out;
  private final Map<RequestId, Runnable> modernInFlight = new ConcurrentHashMap<>();
  private volatile DownstreamSession session;

  public StdioServer(ServerEngine engine, Principal principal, OutputStream out) {
    this.engine = engine;
    this.principal = principal;
    this.out = out;
  }

  /** Reads messages until end of input; returns when the client closed stdin. */
  public void run(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      if (line.length() > MAX_LINE_CHARS) {
        send(JsonRpcResponse.failure(null, new McpException(ErrorCodes.INVALID_REQUEST, "message larger than "
            + MAX_LINE_CHARS + " characters").toError()));
        continue;
      }
      JsonRpcMessage message;
      try {
        message = JsonRpcMessage.parse(line);
      } catch (McpException e) {
        send(JsonRpcResponse.failure(null, e.toError()));
        continue;
      }
      dispatch(message);
    }
    DownstreamSession s = session;
    if (s != null) {
      engine.close(s);
    }
    modernInFlight.values().forEach(Runnable::run);
  }

  private void dispatch(JsonRpcMessage message) {
    DownstreamSession s = session;
    if (message instanceof JsonRpcRequest rpc) {
      if (McpMethods.INITIALIZE.equals(rpc.method()) && s == null) {
        ServerEngine.Initialized done = engine.initialize(principal, rpc, false);
        if (done.session() != null) {
          session = done.session();
          engine.attachStream(session, this::send);
        }
        send(done.response());
      } else if (isModern(rpc) || s == null) {
        Channel channel = channel(rpc.id(), true);
        Runnable cancel = engine.request(principal, null, rpc, channel);
        modernInFlight.put(rpc.id(), cancel);
      } else {
        engine.request(principal, s, rpc, channel(rpc.id(), false));
      }
    } else if (message instanceof JsonRpcNotification n) {
      if (s != null) {
        engine.notification(s, n);
      } else if (McpMethods.NOTIFICATION_CANCELLED.equals(n.method())) {
        try {
          Runnable cancel = modernInFlight.remove(RequestId.fromJson(n.paramsOrEmpty().get("requestId")));
          if (cancel != null) {
            cancel.run();
          }
        } catch (RuntimeException e) {
          // a malformed cancellation names nothing to cancel
        }
      }
    } else if (message instanceof JsonRpcResponse r && s != null) {
      engine.response(s, r);
    }
  }

  private Channel channel(RequestId id, boolean modern) {
    return new Channel() {
      @Override
      public void interim(JsonRpcMessage m) {
        send(m);
      }

      @Override
      public void complete(JsonRpcResponse r) {
        if (modern) {
          modernInFlight.remove(id);
        }
        send(r);
      }
    };
  }

  private static boolean isModern(JsonRpcRequest rpc) {
    return rpc.paramsOrEmpty().path("_meta").has(dev.concierge.protocol.MetaKeys.PROTOCOL_VERSION);
  }

  private synchronized void send(JsonRpcMessage message) {
    try {
      out.write(message.toJsonBytes());
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
