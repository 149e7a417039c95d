package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.McpClientException;
import dev.concierge.client.RequestTimeoutException;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.TransportException;
import dev.concierge.client.transport.McpTransport;
import dev.concierge.client.transport.SendOptions;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.ProtocolVersion;
import dev.concierge.protocol.model.Implementation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens a connection and agrees on a protocol version, as the 2026-07-28 backward-compatibility rules describe:
 * probe with {@code server/discover}; a result or a recognized modern error means a modern server; any other error
 * or silence means a legacy one, which gets the {@code initialize} handshake; an HTTP endpoint that rejects even that
 * with 400/404/405 is tried as a deprecated HTTP+SSE server.
 */
final class Negotiator {
  private final ServerConfig config;
  private final ClientEnvironment env;
  private final ClientRequests clientRequests;

  Negotiator(ServerConfig config, ClientEnvironment env, ClientRequests clientRequests) {
    this.config = config;
    this.env = env;
    this.clientRequests = clientRequests;
  }

  ServerConnection.Live connect(Supplier<McpSession.Inbound> inbound) {
    ServerConfig.Transport kind = config.transport();
    McpSession session = open(kind, inbound.get());
    try {
      return negotiate(session, kind);
    } catch (TransportException e) {
      session.close();
      int status = e.httpStatus();
      boolean sseFallback = kind == ServerConfig.Transport.STREAMABLE_HTTP && config.pinnedVersion().isEmpty()
          && (status == 400 || status == 404 || status == 405);
      if (!sseFallback) {
        throw e;
      }
      McpSession sse;
      try {
        sse = open(ServerConfig.Transport.SSE, inbound.get());
      } catch (McpClientException sseFailure) {
        throw e; // the Streamable HTTP answer is the more useful error
      }
      try {
        return initialize(sse, ServerConfig.Transport.SSE, ProtocolVersion.LATEST_LEGACY);
      } catch (RuntimeException sseFailure) {
        sse.close();
        throw sseFailure;
      }
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private McpSession open(ServerConfig.Transport kind, McpSession.Inbound inbound) {
    McpTransport transport = env.transports().create(config, kind);
    McpSession session = new McpSession(config.name(), transport, env.scheduler(), inbound, env.nanoClock());
    session.start();
    return session;
  }

  private ServerConnection.Live negotiate(McpSession session, ServerConfig.Transport kind) {
    ProtocolVersion pinned = config.pinnedVersion().orElse(null);
    if (pinned != null) {
      return pinned.era() == Era.MODERN ? discoverPinned(session, kind, pinned) : initialize(session, kind, pinned);
    }
    if (kind == ServerConfig.Transport.SSE) {
      return initialize(session, kind, ProtocolVersion.LATEST_LEGACY);
    }
    try {
      return discover(session, kind, ProtocolVersion.LATEST, env.probeTimeout());
    } catch (ServerErrorException e) {
      if (e.code() == ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION) {
        ProtocolVersion offered = ProtocolVersion.bestMutual(supported(e.data())).orElseThrow(() ->
            new McpClientException(config.name(), e.code(), "no protocol version in common; server supports "
                + supported(e.data())));
        // The server answered in the modern way, so this is no longer a probe.
        return offered.era() == Era.MODERN ? discover(session, kind, offered, config.requestTimeout())
            : initialize(session, kind, offered);
      }
      if (ErrorCodes.isModernProtocolError(e.code())) {
        throw e;
      }
    } catch (RequestTimeoutException e) {
      // A legacy server may ignore an unknown request before initialize: silence means legacy.
    } catch (TransportException e) {
      if (e.httpStatus() < 400 || e.httpStatus() >= 500) {
        throw e;
      }
    }
    return initialize(session, kind, ProtocolVersion.LATEST_LEGACY);
  }

  /**
   * A pinned modern version: a {@code -32022} that nevertheless lists it as supported (a server may reject a first
   * request whatever it says) earns one retry; one that does not list it fails, naming what the server supports.
   */
  private ServerConnection.Live discoverPinned(McpSession session, ServerConfig.Transport kind,
      ProtocolVersion pinned) {
    try {
      return discover(session, kind, pinned, config.requestTimeout()); // not a probe: no era to detect
    } catch (ServerErrorException e) {
      if (e.code() != ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION) {
        throw e;
      }
      List<String> supported = supported(e.data());
      if (!supported.contains(pinned.id())) {
        throw new McpClientException(config.name(), e.code(), "server does not support the pinned protocol version "
            + pinned.id() + "; it supports " + supported);
      }
      return discover(session, kind, pinned, config.requestTimeout());
    }
  }

  private ServerConnection.Live discover(McpSession session, ServerConfig.Transport kind, ProtocolVersion version,
      Duration timeout) {
    ObjectNode meta = Json.object();
    meta.put(MetaKeys.PROTOCOL_VERSION, version.id());
    meta.set(MetaKeys.CLIENT_INFO, env.clientInfo().toJson());
    meta.set(MetaKeys.CLIENT_CAPABILITIES, clientRequests.capabilities());
    ObjectNode params = Json.object();
    params.set("_meta", meta);
    Map<String, String> headers = handshakeHeaders();
    if (kind != ServerConfig.Transport.STDIO) {
      headers.put("Mcp-Method", McpMethods.SERVER_DISCOVER);
    }
    JsonNode result = await(CallerWaits.during(McpMethods.SERVER_DISCOVER, () -> session.request(
        McpMethods.SERVER_DISCOVER, params, new RequestOptions(timeout, timeout, new SendOptions(version.id(), headers),
        null))));
    List<String> supported = supported(result);
    ProtocolVersion chosen = supported.contains(version.id()) ? version
        : ProtocolVersion.bestMutual(supported).orElseThrow(() -> new McpClientException(config.name(),
            ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, "no protocol version in common; server supports " + supported));
    if (chosen.era() != Era.MODERN) {
      return initialize(session, kind, chosen);
    }
    ObjectNode resultMeta = Json.obj(result, "_meta");
    ObjectNode info = resultMeta == null ? null : Json.obj(resultMeta, MetaKeys.SERVER_INFO);
    session.protocolVersion(chosen.id());
    return new ServerConnection.Live(session, chosen, info == null ? Implementation.of("unknown", "") : new Implementation(info),
        capabilities(result), Json.text(result, "instructions"), kind);
  }

  private ServerConnection.Live initialize(McpSession session, ServerConfig.Transport kind, ProtocolVersion version) {
    ObjectNode params = Json.object();
    params.put("protocolVersion", version.id());
    params.set("capabilities", clientRequests.capabilities());
    params.set("clientInfo", env.clientInfo().toJson());
    Duration timeout = config.requestTimeout();
    JsonNode result = await(CallerWaits.during(McpMethods.INITIALIZE, () -> session.request(McpMethods.INITIALIZE,
        params, new RequestOptions(timeout, timeout, new SendOptions(null, handshakeHeaders()), null))));
    String answered = Json.text(result, "protocolVersion");
    ProtocolVersion agreed = ProtocolVersion.parse(answered).filter(v -> v.era() == Era.LEGACY).orElseThrow(() ->
        new McpClientException(config.name(), ErrorCodes.INVALID_REQUEST,
            "server answered initialize with unsupported protocol version '" + answered + "'"));
    session.protocolVersion(agreed.hasVersionHeader() ? agreed.id() : null);
    SendOptions options = new SendOptions(agreed.hasVersionHeader() ? agreed.id() : null, handshakeHeaders());
    await(session.notify(McpMethods.INITIALIZED, null, options).thenApply(v -> (JsonNode) Json.object()));
    ObjectNode caps = capabilities(result);
    ObjectNode info = Json.obj(result, "serverInfo");
    ServerConnection.Live live = new ServerConnection.Live(session, agreed,
        info == null ? Implementation.of("unknown", "") : new Implementation(info), caps,
        Json.text(result, "instructions"), kind);
    if (env.logLevel() != null && caps.has("logging")) {
      session.request(McpMethods.LOGGING_SET_LEVEL, Json.object().put("level", env.logLevel()),
          new RequestOptions(timeout, timeout, options, null));
    }
    return live;
  }

  private Map<String, String> handshakeHeaders() {
    Map<String, String> headers = new HashMap<>();
    if (env.headers() != null) {
      Map<String, String> extra = env.headers().headers(CallOrigin.ofServer(config.name()));
      if (extra != null) {
        headers.putAll(extra);
      }
    }
    return headers;
  }

  private static ObjectNode capabilities(JsonNode result) {
    ObjectNode caps = Json.obj(result, "capabilities");
    return caps == null ? Json.object() : caps;
  }

  private static List<String> supported(JsonNode node) {
    List<String> out = new ArrayList<>();
    JsonNode list = node == null ? null : node.has("supportedVersions") ? node.get("supportedVersions")
        : node.get("supported");
    if (list != null && list.isArray()) {
      list.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  private JsonNode await(java.util.concurrent.CompletableFuture<JsonNode> future) {
    return McpSession.await(future,
        cause -> new ConnectionClosedException(config.name(), "handshake failed: " + cause.getMessage(), cause));
  }
}
