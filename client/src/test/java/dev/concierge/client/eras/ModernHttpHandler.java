package dev.concierge.client.eras;

import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The 2026-07-28 Streamable HTTP binding of {@link ModernDispatcher} on Jetty 12 core: one POST per request at
 * {@code /mcp}, answered with a JSON body, or with an SSE stream when the request asked for progress; a
 * {@code subscriptions/listen} POST gets an SSE stream that stays open (keep-alive comments, so a client that leaves is
 * noticed) until the client closes it or the server ends it gracefully.
 *
 * <p>Status codes as the spec gives them: 400 for header mismatches, envelope and version errors, 404 with
 * {@code -32601} for unknown methods, 405 for GET and DELETE (no sessions, no standalone stream), 202 for
 * notifications, 403 for a foreign {@code Origin}. Handlers block (Jetty's default invocation type allows it).
 */
final class ModernHttpHandler extends Handler.Abstract {
  static final String PATH = "/mcp";
  private static final int MAX_BODY_BYTES = 4 << 20;
  private static final Duration KEEP_ALIVE = Duration.ofMillis(500);

  private final ModernDispatcher dispatcher;

  ModernHttpHandler(ModernDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!PATH.equals(Request.getPathInContext(request))) {
      Response.writeError(request, response, callback, 404);
      return true;
    }
    Map<String, String> headers = headers(request);
    String origin = headers.get("origin");
    if (origin != null && !origin.matches("https?://(127\\.0\\.0\\.1|localhost|\\[::1])(:\\d+)?")) {
      writeJson(response, callback, 403, JsonRpcResponse.failure(null,
          new JsonRpcError(ErrorCodes.INVALID_REQUEST, "Forbidden origin", null)));
      return true;
    }
    if (!"POST".equals(request.getMethod())) {
      writeJson(response, callback, 405, JsonRpcResponse.failure(null,
          new JsonRpcError(ErrorCodes.CONNECTION_CLOSED, "Method not allowed.", null)));
      return true;
    }
    if (request.getLength() > MAX_BODY_BYTES) {
      writeJson(response, callback, 413, JsonRpcResponse.failure(null,
          new JsonRpcError(ErrorCodes.INVALID_REQUEST, "Request body too large", null)));
      return true;
    }
    JsonRpcMessage message;
    try {
      message = JsonRpcMessage.parse(Content.Source.asString(request, StandardCharsets.UTF_8));
    } catch (McpException e) {
      writeJson(response, callback, 400, JsonRpcResponse.failure(null, e.toError()));
      return true;
    }
    if (message instanceof JsonRpcNotification) {
      // notifications/cancelled needs no work: a request in flight is cancelled by closing its stream.
      response.setStatus(202);
      callback.succeeded();
    } else if (message instanceof JsonRpcRequest rpc) {
      serve(rpc, headers, response, callback);
    } else {
      writeJson(response, callback, 400, JsonRpcResponse.failure(null,
          new JsonRpcError(ErrorCodes.INVALID_REQUEST, "Clients must not send responses", null)));
    }
    return true;
  }

  private void serve(JsonRpcRequest rpc, Map<String, String> headers, Response response, Callback callback)
      throws IOException {
    JsonRpcError invalid = McpMethods.INITIALIZE.equals(rpc.method()) ? dispatcher.checkEnvelope(rpc)
        : dev.concierge.protocol.HeaderRules.check(rpc, headers, name -> {
          com.fasterxml.jackson.databind.node.ObjectNode tool = dispatcher.catalog().tool(name);
          return tool == null ? null : tool.get("inputSchema");
        });
    if (invalid == null) {
      invalid = dispatcher.checkEnvelope(rpc);
    }
    if (invalid != null) {
      writeJson(response, callback, 400, JsonRpcResponse.failure(rpc.id(), invalid));
    } else if (McpMethods.SUBSCRIPTIONS_LISTEN.equals(rpc.method())) {
      listen(rpc, response, callback);
    } else if (rpc.paramsOrEmpty().path("_meta").has(MetaKeys.PROGRESS_TOKEN)) {
      try (OutputStream out = openStream(response)) {
        JsonRpcResponse answer = dispatcher.handle(rpc, headers, n -> writeEvent(out, n));
        writeEvent(out, answer);
      } catch (IOException | UncheckedIOException e) {
        callback.failed(e);
        return;
      }
      callback.succeeded();
    } else {
      JsonRpcResponse answer = dispatcher.handle(rpc, headers, n -> { });
      writeJson(response, callback, statusOf(answer), answer);
    }
  }

  /** Holds the stream open: notifications from the hub are queued here and written by this thread. */
  private void listen(JsonRpcRequest rpc, Response response, Callback callback) {
    BlockingQueue<JsonRpcMessage> queue = new LinkedBlockingQueue<>();
    try (OutputStream out = openStream(response)) {
      dispatcher.listen(rpc, queue::add);
      while (true) {
        JsonRpcMessage next = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
          out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          continue;
        }
        writeEvent(out, next);
        if (next instanceof JsonRpcResponse) {
          break; // graceful closure
        }
      }
      callback.succeeded();
    } catch (IOException | UncheckedIOException e) {
      callback.failed(e); // the client closed the stream: that is its cancellation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } finally {
      dispatcher.hub().close(rpc.id());
    }
  }

  private static OutputStream openStream(Response response) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
    return Content.Sink.asOutputStream(response);
  }

  private static void writeEvent(OutputStream out, JsonRpcMessage message) {
    try {
      out.write(("event: message\ndata: " + message.toJsonString() + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeJson(Response response, Callback callback, int status, JsonRpcResponse answer) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    Content.Sink.write(response, true, answer.toJsonString(), callback);
  }

  /** 404 for an unknown method and 400 for a missing client capability, as modern servers answer; else 200. */
  private static int statusOf(JsonRpcResponse answer) {
    if (!answer.isError()) {
      return 200;
    }
    return switch (answer.error().code()) {
      case ErrorCodes.METHOD_NOT_FOUND -> 404;
      case ErrorCodes.MISSING_REQUIRED_CLIENT_CAPABILITY -> 400;
      default -> 200;
    };
  }

  private static Map<String, String> headers(Request request) {
    Map<String, String> out = new HashMap<>();
    for (HttpField field : request.getHeaders()) {
      out.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field.getValue());
    }
    return out;
  }
}
