package dev.concierge.gateway.http;

import dev.concierge.gateway.auth.AuthException;
import dev.concierge.gateway.auth.Authenticator;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.ServerEngine;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every HTTP request of the gateway passes here: DNS-rebinding checks ({@code Host}, {@code Origin}), CORS for allowed
 * browser origins, OAuth Protected Resource Metadata (RFC 9728), authentication, then the MCP endpoints:
 * {@code /mcp} (Streamable HTTP, both eras) and {@code /sse} + {@code /messages} (HTTP+SSE of 2024-11-05).
 *
 * <p>Refusals never echo credentials. A 401 carries {@code WWW-Authenticate: Bearer resource_metadata="..."}, as
 * the MCP authorization spec asks, so a client can discover how to obtain a token.
 */
public final class HttpFront extends Handler.Abstract {
  public static final String MCP_PATH = "/mcp";
  static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
  /** Liveness: the process serves HTTP. Readiness: and it reaches its state store. Neither tells anything else. */
  static final String LIVE_PATH = "/healthz";
  static final String READY_PATH = "/readyz";

  /**
   * @param maxBodyBytes largest request body accepted (413 beyond)
   * @param maxStreamsPerPrincipal SSE streams (GET streams, listen streams) one principal may hold open (429 beyond)
   * @param allowedHosts host names the gateway answers to (empty: any; only for a gateway behind a proxy that checks)
   * @param allowedOrigins browser origins allowed besides the allowed hosts' own
   * @param publicUrl the gateway's external base URL for metadata ({@code null}: derived from each request)
   * @param authorizationServers issuers to list in the resource metadata (JWT mode), may be empty
   */
  public record Settings(int maxBodyBytes, int maxStreamsPerPrincipal, Set<String> allowedHosts,
      Set<String> allowedOrigins, String publicUrl, List<String> authorizationServers) {
    public static final int DEFAULT_MAX_BODY_BYTES = 4 << 20;
    public static final int DEFAULT_MAX_STREAMS = 64;
  }

  private final Authenticator authenticator;
  private final Settings settings;
  private final AccessGuard guard;
  private final McpEndpoint mcp;
  private final LegacySseEndpoint sse;
  private final ServerEngine engine;

  public HttpFront(ServerEngine engine, Authenticator authenticator, Settings settings) {
    this.engine = engine;
    this.authenticator = authenticator;
    this.settings = settings;
    this.guard = new AccessGuard(settings.allowedHosts(), settings.allowedOrigins());
    this.mcp = new McpEndpoint(engine, settings.maxBodyBytes(), settings.maxStreamsPerPrincipal());
    this.sse = new LegacySseEndpoint(engine, settings.maxBodyBytes());
  }

  private void health(String path, Response response, Callback callback) {
    boolean ready = true;
    if (path.equals(READY_PATH)) {
      try {
        engine.state().check();
      } catch (java.io.IOException e) {
        ready = false;
      }
    }
    response.setStatus(ready ? 200 : 503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
    response.write(true, java.nio.ByteBuffer.wrap((ready ? "ok\n" : "store unreachable\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals(LIVE_PATH) || path.equals(READY_PATH)) {
      health(path, response, callback); // probes come from the orchestrator with its own Host: before the guard
      return true;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    String refused = guard.check(request.getHeaders().get(HttpHeader.HOST), origin);
    if (refused != null) {
      Http.discardBody(request, settings.maxBodyBytes());
      Http.error(response, callback, 403, null, ErrorCodes.INVALID_REQUEST, refused);
      return true;
    }
    if (origin != null) {
      cors(response, origin);
      if ("OPTIONS".equals(request.getMethod())) {
        response.setStatus(204);
        callback.succeeded();
        return true;
      }
    }
    if (path.equals(METADATA_PATH) || path.equals(METADATA_PATH + MCP_PATH)) {
      metadata(request, response, callback);
      return true;
    }
    boolean known = path.equals(MCP_PATH) || path.equals(LegacySseEndpoint.SSE_PATH)
        || path.equals(LegacySseEndpoint.MESSAGES_PATH);
    if (!known) {
      Http.discardBody(request, settings.maxBodyBytes());
      Http.error(response, callback, 404, null, ErrorCodes.INVALID_REQUEST, "Not found: the MCP endpoint is "
          + MCP_PATH);
      return true;
    }
    Principal principal;
    try {
      principal = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    } catch (AuthException e) {
      Http.discardBody(request, settings.maxBodyBytes());
      unauthorized(request, response, callback, e);
      return true;
    }
    switch (path) {
      case MCP_PATH -> mcp.handle(principal, request, response, callback);
      case LegacySseEndpoint.SSE_PATH -> {
        if ("GET".equals(request.getMethod())) {
          sse.open(principal, request, response, callback);
        } else {
          Http.error(response, callback, 405, null, ErrorCodes.INVALID_REQUEST, "GET /sse opens the stream");
        }
      }
      default -> {
        if ("POST".equals(request.getMethod())) {
          sse.post(principal, request, response, callback);
        } else {
          Http.error(response, callback, 405, null, ErrorCodes.INVALID_REQUEST, "POST messages here");
        }
      }
    }
    return true;
  }

  /** Periodic: keep-alive comments on open streams (a client that left is noticed), forget dead sessions' streams. */
  public void housekeeping(java.util.function.Predicate<String> sessionAlive) {
    mcp.keepAlive();
    sse.keepAlive();
    mcp.sweep(sessionAlive);
  }

  public void shutdown() {
    mcp.shutdown();
    sse.shutdown();
  }

  private void unauthorized(Request request, Response response, Callback callback, AuthException e) {
    if (e.status() == 503) { // no challenge: the credentials may be fine, the gateway cannot check them now
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      Http.error(response, callback, 503, null, ErrorCodes.INTERNAL_ERROR, "Service unavailable: " + e.getMessage());
      return;
    }
    StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"")
        .append(baseUrl(request)).append(METADATA_PATH).append(MCP_PATH).append('"');
    if (e.error() != null) {
      challenge.append(", error=\"").append(e.error()).append("\", error_description=\"")
          .append(e.getMessage().replace('"', '\'')).append('"');
    }
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenge.toString());
    Http.error(response, callback, e.status(), null, ErrorCodes.INVALID_REQUEST,
        e.status() == 403 ? "Forbidden: " + e.getMessage() : "Unauthorized: " + e.getMessage());
  }

  /** RFC 9728 Protected Resource Metadata for the {@code /mcp} resource. */
  private void metadata(Request request, Response response, Callback callback) {
    var doc = Json.object().put("resource", baseUrl(request) + MCP_PATH);
    var servers = doc.putArray("authorization_servers");
    settings.authorizationServers().forEach(servers::add);
    doc.putArray("bearer_methods_supported").add("header");
    doc.put("resource_name", "Concierge MCP gateway");
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
    response.write(true, ByteBuffer.wrap(Json.writeBytes(doc)), callback);
  }

  private String baseUrl(Request request) {
    if (settings.publicUrl() != null) {
      return settings.publicUrl().replaceAll("/+$", "");
    }
    String host = request.getHeaders().get(HttpHeader.HOST);
    return request.getHttpURI().getScheme() + "://" + (host != null ? host : "localhost");
  }

  private static void cors(Response response, String origin) {
    response.getHeaders().put("Access-Control-Allow-Origin", origin);
    response.getHeaders().put("Vary", "Origin");
    response.getHeaders().put("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    response.getHeaders().put("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Mcp-Session-Id, "
        + "MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, *");
    response.getHeaders().put("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate");
  }
}
