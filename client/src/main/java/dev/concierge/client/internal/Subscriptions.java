package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ServerErrorException;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Era;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One server's change notifications, kept across reconnects: the resources the user subscribed to, and in the
 * 2026-07-28 era the one {@code subscriptions/listen} stream that carries list changes and resource updates (legacy
 * servers get {@code resources/subscribe} instead and send list changes unasked).
 */
final class Subscriptions {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final ServerConnection owner;
  private final RequestDecorator decorator;
  private final ClientEnvironment env;
  private final CallOrigin origin;
  private final Set<String> uris = ConcurrentHashMap.newKeySet();
  private final AtomicReference<CompletableFuture<JsonNode>> listen = new AtomicReference<>();
  private final AtomicInteger retries = new AtomicInteger();

  Subscriptions(ServerConnection owner, RequestDecorator decorator, ClientEnvironment env) {
    this.owner = owner;
    this.decorator = decorator;
    this.env = env;
    this.origin = CallOrigin.ofServer(owner.config().name());
  }

  void add(String uri) {
    if (uris.add(uri)) {
      ServerConnection.Live l = owner.ensureConnected();
      if (l.era() == Era.MODERN) {
        openListenStream(l);
      } else {
        owner.join(owner.request(McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", uri), origin, null));
      }
    }
  }

  void remove(String uri) {
    if (uris.remove(uri)) {
      ServerConnection.Live l = owner.live();
      if (l != null && l.era() == Era.MODERN) {
        openListenStream(l);
      } else if (l != null) {
        owner.join(owner.request(McpMethods.RESOURCES_UNSUBSCRIBE, Json.object().put("uri", uri), origin, null));
      }
    }
  }

  /** A new connection is up: renew what the server forgot with the old one. */
  void onConnected(ServerConnection.Live l) {
    if (l.era() == Era.MODERN) {
      openListenStream(l);
      return;
    }
    for (String uri : uris) {
      owner.request(McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", uri), origin, null)
          .exceptionally(e -> null);
    }
  }

  /**
   * 2026-07-28: one {@code subscriptions/listen} stream per server for list changes and resource updates, replaced
   * whenever the set of subscribed resources changes.
   */
  private void openListenStream(ServerConnection.Live l) {
    ObjectNode caps = l.capabilities();
    ObjectNode filter = Json.object();
    if (caps.path("tools").path("listChanged").asBoolean(false)) {
      filter.put("toolsListChanged", true);
    }
    if (caps.path("prompts").path("listChanged").asBoolean(false)) {
      filter.put("promptsListChanged", true);
    }
    if (caps.path("resources").path("listChanged").asBoolean(false)) {
      filter.put("resourcesListChanged", true);
    }
    if (!uris.isEmpty()) {
      ArrayNode list = filter.putArray("resourceSubscriptions");
      uris.stream().sorted().forEach(list::add);
    }
    CompletableFuture<JsonNode> previous = listen.getAndSet(null);
    if (previous != null) {
      previous.cancel(true);
    }
    if (filter.isEmpty()) {
      return;
    }
    ObjectNode params = Json.object();
    params.set("notifications", filter);
    ObjectNode body = decorator.body(l, params, origin);
    CompletableFuture<JsonNode> stream = l.session().request(McpMethods.SUBSCRIPTIONS_LISTEN, body,
        new RequestOptions(null, null, decorator.send(l, McpMethods.SUBSCRIPTIONS_LISTEN, body, origin), null));
    listen.set(stream);
    long opened = env.nanoClock().getAsLong();
    stream.whenComplete((result, error) -> listenAgainLater(l, stream, error, opened));
  }

  /**
   * A listen stream the server ended (gracefully, as a server shutting down does, or by dropping it) is opened again
   * while the connection lives, after a delay that doubles with every stream that lasted less than a minute (capped);
   * one that was replaced or cancelled, or that the server refused as an unknown method, is not.
   */
  private void listenAgainLater(ServerConnection.Live l, CompletableFuture<JsonNode> ended, Throwable error,
      long openedNanos) {
    boolean refused = McpSession.unwrap(error) instanceof ServerErrorException e
        && e.code() == ErrorCodes.METHOD_NOT_FOUND;
    if (refused || ended.isCancelled() || !owner.isCurrent(l) || !listen.compareAndSet(ended, null)) {
      return;
    }
    if (env.nanoClock().getAsLong() - openedNanos > TimeUnit.MINUTES.toNanos(1)) {
      retries.set(0); // it served a while: this is a fresh problem, not a server that keeps failing
    }
    int attempt = retries.incrementAndGet();
    long delayMillis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(10, attempt - 1));
    try {
      env.scheduler().schedule(() -> {
        if (owner.isCurrent(l) && l.session().isOpen() && listen.get() == null) {
          openListenStream(l);
        }
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closing
    }
  }
}
