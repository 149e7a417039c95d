package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import java.util.concurrent.CompletableFuture;

/**
 * One downstream request as a {@link McpHandler} sees it: who sent it, in which era, and the ways back to the client
 * while it runs (progress, log messages, questions to the client). Thread-safe.
 */
public final class Exchange {
  /** How questions to the client travel: on the session's streams (legacy) or as {@code input_required} (modern). */
  interface Asker {
    CompletableFuture<ObjectNode> ask(Exchange exchange, String method, ObjectNode params);
  }

  private final Principal principal;
  private final String method;
  private final ObjectNode params;
  private final ClientInfo client;
  private final String sessionId;
  private final Channel channel;
  private final Asker asker;
  private final String logLevel;
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

  Exchange(Principal principal, String method, ObjectNode params, ClientInfo client, String sessionId,
      Channel channel, Asker asker, String logLevel) {
    this.principal = principal;
    this.method = method;
    this.params = params;
    this.client = client;
    this.sessionId = sessionId;
    this.channel = channel;
    this.asker = asker;
    this.logLevel = logLevel;
  }

  public Principal principal() {
    return principal;
  }

  public String method() {
    return method;
  }

  /** The request's params as the client sent them (the engine's own MRTR fields removed). */
  public ObjectNode params() {
    return params;
  }

  /** The client's era, version, capabilities and implementation. */
  public ClientInfo client() {
    return client;
  }

  public Era era() {
    return client.version().era();
  }

  /** The legacy session the request belongs to, or {@code null} (2026-07-28, or stdio). */
  public String sessionId() {
    return sessionId;
  }

  /** The client's progress token, or {@code null} when it asked for no progress. */
  public JsonNode progressToken() {
    return params.path("_meta").get(MetaKeys.PROGRESS_TOKEN);
  }

  /** Reports progress to the client, when it asked for it. */
  public void progress(double progress, Double total, String message) {
    JsonNode token = progressToken();
    if (token == null || cancelled.isDone()) {
      return;
    }
    ObjectNode p = Json.object();
    p.set("progressToken", token);
    p.put("progress", progress);
    if (total != null) {
      p.put("total", total);
    }
    if (message != null) {
      p.put("message", message);
    }
    channel.interim(new JsonRpcNotification(McpMethods.NOTIFICATION_PROGRESS, p));
  }

  /** Sends a log message related to this request, when its level is at or above the client's chosen level. */
  public void log(String level, String logger, JsonNode data) {
    if (cancelled.isDone() || !LogLevels.passes(level, logLevel)) {
      return;
    }
    ObjectNode p = Json.object().put("level", level);
    if (logger != null) {
      p.put("logger", logger);
    }
    p.set("data", data);
    channel.interim(new JsonRpcNotification(McpMethods.NOTIFICATION_MESSAGE, p));
  }

  /**
   * Asks the client something ({@code elicitation/create}, {@code sampling/createMessage}, {@code roots/list}) and
   * completes with its answer. Fails with {@code -32021} when the client did not declare the capability.
   */
  public CompletableFuture<ObjectNode> ask(String askMethod, ObjectNode askParams) {
    return asker.ask(this, askMethod, askParams);
  }

  /** Completes when the client cancels the request or goes away; the handler should stop work then. */
  public CompletableFuture<Void> cancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled.complete(null);
  }

  Channel channel() {
    return channel;
  }
}
