package dev.concierge.client.transport;

import static dev.concierge.client.transport.HttpExchanges.EVENT_STREAM;

import dev.concierge.client.TransportException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One MCP endpoint as plain HTTP: builds requests with the static headers plus the MCP ones, opens GET streams, ends
 * sessions. Knows nothing of sessions' life or eras; {@link StreamableHttpTransport} decides what to send when.
 */
final class HttpEndpoint {
  private final String server;
  private final URI uri;
  private final Map<String, String> headers;
  private final HttpClient client;

  HttpEndpoint(String server, URI uri, Map<String, String> headers, HttpClient client) {
    this.server = Objects.requireNonNull(server, "server");
    this.uri = Objects.requireNonNull(uri, "endpoint");
    this.headers = Map.copyOf(headers == null ? Map.of() : headers);
    this.client = client != null ? client : HttpExchanges.defaultClient(uri);
    HttpExchanges.setHeaders(HttpRequest.newBuilder(uri), this.headers, server); // refuse bad headers early
  }

  HttpClient client() {
    return client;
  }

  URI uri() {
    return uri;
  }

  /**
   * A request to the endpoint: static headers, then {@code extra} (per call), then the MCP headers, so that nothing
   * configured can override the version or session.
   */
  HttpRequest.Builder request(String version, String session, Map<String, String> extra) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    HttpExchanges.setHeaders(builder, headers, server);
    HttpExchanges.setHeaders(builder, extra, server);
    if (version != null) {
      builder.setHeader(HttpExchanges.PROTOCOL_VERSION, version);
    }
    if (session != null) {
      builder.setHeader(HttpExchanges.SESSION_ID, session);
    }
    return builder;
  }

  /**
   * Opens a GET stream and waits for its status line; {@code null} when the request failed or {@code handle} was
   * stopped meanwhile. The caller owns the body.
   *
   * @throws ConnectException when nothing accepts connections at the endpoint any more
   */
  HttpResponse<InputStream> openStream(HttpExchanges.StreamHandle handle, String version, String session,
      String lastEventId, Duration openTimeout) throws ConnectException {
    if (handle.isStopped()) {
      return null;
    }
    CompletableFuture<HttpResponse<InputStream>> http;
    try {
      // The timeout ends only the wait for the response's headers, not the stream: a listener that accepts the
      // connection and never answers (a process going away, a hung server) costs one attempt, not the loop.
      HttpRequest.Builder builder = request(version, session, Map.of()).GET().setHeader("Accept", EVENT_STREAM)
          .timeout(openTimeout);
      if (lastEventId != null && !lastEventId.isEmpty()) {
        builder.setHeader(HttpExchanges.LAST_EVENT_ID, lastEventId);
      }
      http = client.sendAsync(builder.build(), BodyHandlers.ofInputStream());
    } catch (RuntimeException e) { // a header refused, or the client shut down
      return null;
    }
    handle.attach(http);
    try {
      HttpResponse<InputStream> response = http.get();
      handle.attach(response.body());
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      http.cancel(true);
      return null;
    } catch (ExecutionException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof ConnectException refused) {
          throw refused;
        }
      }
      return null; // a reset or a timeout: this attempt failed, the next may not
    } catch (CancellationException e) {
      return null;
    }
  }

  /** Sends DELETE for {@code session} and waits at most {@code timeout}; every outcome is fine for a closing client. */
  void deleteSession(String version, String session, Duration timeout) {
    CompletableFuture<HttpResponse<Void>> http;
    try {
      http = client.sendAsync(request(version, session, Map.of()).DELETE().timeout(timeout).build(),
          BodyHandlers.discarding());
    } catch (TransportException | IllegalArgumentException e) {
      return;
    }
    try {
      http.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      http.cancel(true);
    } catch (Exception e) {
      // 405 means the server keeps sessions itself; an unreachable server cannot be told anyway.
      http.cancel(true);
    }
  }
}
