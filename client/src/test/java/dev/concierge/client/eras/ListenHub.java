package dev.concierge.client.eras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.RequestId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The open {@code subscriptions/listen} streams of a 2026-07-28 server. Each stream gets
 * {@code notifications/subscriptions/acknowledged} first, then only the notification types it asked for (and the
 * server honours), every one tagged with {@code io.modelcontextprotocol/subscriptionId} = the listen request's id.
 * On {@link #shutdown} every stream gets the graceful-closure response, as does any stream opened later.
 * Thread-safe; sinks are called under the lock so the ack always precedes the first notification of its stream.
 */
final class ListenHub {
  /** One open stream. {@code sink} writes to the stream (an SSE response, or stdout on stdio). */
  record Subscription(RequestId id, ObjectNode honored, Consumer<JsonRpcMessage> sink) {
    boolean wants(String filterKey) {
      return honored.path(filterKey).asBoolean(false);
    }

    boolean watches(String uri) {
      JsonNode uris = honored.get("resourceSubscriptions");
      if (uris != null && uris.isArray()) {
        for (JsonNode u : uris) {
          if (u.asText().equals(uri)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private final List<Subscription> open = new ArrayList<>();
  private boolean shutDown;

  /** Opens a stream: acknowledges the honoured part of {@code requested} on {@code sink}, then registers it. */
  synchronized Subscription open(RequestId id, ObjectNode requested, Consumer<JsonRpcMessage> sink) {
    ObjectNode honored = Json.object();
    for (String key : List.of("toolsListChanged", "promptsListChanged", "resourcesListChanged")) {
      if (requested.path(key).asBoolean(false)) {
        honored.put(key, true);
      }
    }
    JsonNode uris = requested.get("resourceSubscriptions");
    if (uris != null && uris.isArray() && !uris.isEmpty()) {
      honored.set("resourceSubscriptions", uris.deepCopy());
    }
    Subscription subscription = new Subscription(id, honored, sink);
    ObjectNode params = Json.object();
    params.set("notifications", honored.deepCopy());
    sink.accept(new JsonRpcNotification(McpMethods.NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED, tagged(params, id)));
    if (shutDown) { // a stream opened while the server stops ends at once, or it would hold the stop up
      sink.accept(closure(id));
      return subscription;
    }
    open.add(subscription);
    notifyAll();
    return subscription;
  }

  /**
   * Waits (up to {@code timeout}) until a stream that {@code matches} is open, so a test tool announcing a change
   * right after the client connected does not race the client's listen request. Returns whether one is.
   */
  synchronized boolean awaitListener(java.util.function.Predicate<Subscription> matches, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (open.stream().noneMatch(matches)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Forgets a stream the client closed or cancelled; nothing more is sent on it. */
  synchronized void close(RequestId id) {
    open.removeIf(s -> s.id().equals(id));
  }

  synchronized int size() {
    return open.size();
  }

  void toolsChanged() {
    broadcast("toolsListChanged", McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED);
  }

  void promptsChanged() {
    broadcast("promptsListChanged", McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED);
  }

  synchronized void resourceUpdated(String uri) {
    for (Subscription s : List.copyOf(open)) {
      if (s.watches(uri)) {
        s.sink().accept(new JsonRpcNotification(McpMethods.NOTIFICATION_RESOURCES_UPDATED,
            tagged(Json.object().put("uri", uri), s.id())));
      }
    }
  }

  /** Ends every stream gracefully: the listen request's own response, tagged like every message of the stream. */
  synchronized void shutdown() {
    shutDown = true;
    for (Subscription s : List.copyOf(open)) {
      s.sink().accept(closure(s.id()));
    }
    open.clear();
  }

  private static JsonRpcResponse closure(RequestId id) {
    return JsonRpcResponse.success(id, tagged(Json.object().put("resultType", "complete"), id));
  }

  private synchronized void broadcast(String filterKey, String method) {
    for (Subscription s : List.copyOf(open)) {
      if (s.wants(filterKey)) {
        s.sink().accept(new JsonRpcNotification(method, tagged(Json.object(), s.id())));
      }
    }
  }

  private static ObjectNode tagged(ObjectNode params, RequestId id) {
    ObjectNode meta = params.withObjectProperty("_meta");
    meta.set(MetaKeys.SUBSCRIPTION_ID, id.toJson());
    return params;
  }
}
