package dev.concierge.gateway.http;

import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small HTTP helpers shared by the endpoints. */
final class Http {
  private Http() {}

  /** A keep-alive: an SSE comment, which clients ignore. */
  static final byte[] SSE_COMMENT = ":\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** One SSE {@code message} event carrying a JSON-RPC message, with an event id when {@code id} is not null. */
  static byte[] sseEvent(String id, dev.concierge.protocol.JsonRpcMessage message) {
    return ((id == null ? "" : "id: " + id + "\n") + "event: message\ndata: " + message.toJsonString() + "\n\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static void sseHeaders(Response response) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
  }

  /** Writes a JSON-RPC error (with {@code id} null unless known) as the whole response. */
  static void error(Response response, Callback callback, int status, RequestId id, int code, String message) {
    json(response, callback, status, JsonRpcResponse.failure(id, new JsonRpcError(code, message, null)));
  }

  static void json(Response response, Callback callback, int status, JsonRpcResponse body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, java.nio.ByteBuffer.wrap(body.toJsonBytes()), callback);
  }

  /**
   * The HTTP status of a 2026-07-28 answer: 404 for an unknown method, 400 for protocol errors (header mismatch,
   * missing capability, unsupported version), 200 otherwise; a JSON-RPC error in a 200 is a failed request, not a
   * failed exchange.
   */
  static int modernStatus(JsonRpcResponse answer) {
    if (!answer.isError()) {
      return 200;
    }
    int code = answer.error().code();
    if (code == ErrorCodes.METHOD_NOT_FOUND) {
      return 404;
    }
    return ErrorCodes.isModernProtocolError(code) ? 400 : 200;
  }

  /** Request headers with lower-case names (first value of each). */
  static Map<String, String> headers(Request request) {
    Map<String, String> out = new HashMap<>();
    for (HttpField field : request.getHeaders()) {
      out.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field.getValue());
    }
    return out;
  }

  static boolean accepts(Map<String, String> headers, String type) {
    String accept = headers.get("accept");
    return accept != null && (accept.contains(type) || accept.contains("*/*"));
  }

  /**
   * Reads and drops the body of a request refused before it was read (up to {@code max} bytes): a connection with
   * unread content cannot serve the client's next request, and a client reusing it would see a reset instead.
   */
  static void discardBody(Request request, int max) {
    try (java.io.InputStream in = Content.Source.asInputStream(request)) {
      in.skipNBytes(Math.min(Math.max(0, request.getLength()), max));
    } catch (java.io.IOException e) {
      // the connection is closing anyway
    }
  }

  /**
   * Reads at most {@code max} bytes of body; {@code null} when it is longer. The rest of an oversized body is read
   * and dropped (up to a bound), so that the client, still sending, receives the 413 instead of a reset connection.
   */
  static String body(Request request, int max) throws java.io.IOException {
    long declared = request.getLength(); // -1 when the body is chunked
    try (java.io.InputStream in = Content.Source.asInputStream(request)) {
      if (declared > max) {
        in.skipNBytes(Math.min(declared, max + 1 + 8L * max)); // what reading max + 1 and skipping 8 max dropped
        return null;
      }
      byte[] bytes;
      if (declared >= 0) {
        // The usual case: an array of exactly the declared size, filled straight from Jetty's buffers (no 8 KiB
        // buffer and copy per request); the framing guarantees nothing follows.
        bytes = new byte[(int) declared];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
          bytes = java.util.Arrays.copyOf(bytes, read); // ended early: what came, as before
        }
      } else {
        bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
          return null; // no length to bound the rest by: nothing more is read
        }
      }
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.EOFException e) {
      return null;
    }
  }
}
