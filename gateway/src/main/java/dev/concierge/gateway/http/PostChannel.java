package dev.concierge.gateway.http;

import dev.concierge.gateway.mcp.Channel;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcResponse;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answer to one POSTed request: plain JSON when the response is all there is, an SSE stream from the first
 * message that comes before it (progress, log, a question to the client) when the client accepts
 * {@code text/event-stream}. Legacy streams get event ids and are kept for resumption ({@link EventStream}).
 */
final class PostChannel implements Channel {
  private final Response response;
  private final Callback callback;
  private final boolean modern;
  private final boolean acceptsSse;
  private final Consumer<EventStream> registerStream;
  private final String streamId;
  private final Runnable onGone;
  private ResponseWriter writer;
  private EventStream stream;
  private boolean done;

  /**
   * @param registerStream keeps a legacy stream for resumption ({@code null} for 2026-07-28)
   * @param onGone called once when the client goes away before the response was written
   */
  PostChannel(Response response, Callback callback, boolean modern, boolean acceptsSse, String streamId,
      Consumer<EventStream> registerStream, Runnable onGone) {
    this.response = response;
    this.callback = callback;
    this.modern = modern;
    this.acceptsSse = acceptsSse;
    this.streamId = streamId;
    this.registerStream = registerStream;
    this.onGone = onGone;
  }

  @Override
  public synchronized void interim(JsonRpcMessage message) {
    if (done || !acceptsSse) {
      return; // a JSON-only client cannot receive anything before its response
    }
    openStream();
    stream.send(message, false);
  }

  /**
   * Keeps a long request's connection watched: a request still running at a keep-alive tick switches to SSE (when
   * the client accepts it) and gets a comment, because writing is the only way a server learns that the client went
   * away — which, in 2026-07-28, is how a client cancels.
   */
  @Override
  public synchronized void keepAlive() {
    if (done || !acceptsSse) {
      return;
    }
    openStream();
    stream.keepAlive();
  }

  private void openStream() {
    if (stream != null) {
      return;
    }
    response.setStatus(200);
    Http.sseHeaders(response);
    writer = new ResponseWriter(response, callback, e -> onGone.run());
    stream = new EventStream(streamId);
    stream.attach(writer, 0);
    if (registerStream != null) {
      registerStream.accept(stream);
      stream.prime();
    }
  }

  synchronized boolean isDone() {
    return done;
  }

  @Override
  public synchronized void complete(JsonRpcResponse answer) {
    if (done) {
      return;
    }
    done = true;
    if (stream != null) {
      stream.send(answer, true);
      return;
    }
    response.setStatus(modern ? Http.modernStatus(answer) : 200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    new ResponseWriter(response, callback, e -> { }).write(answer.toJsonBytes(), true);
  }
}
