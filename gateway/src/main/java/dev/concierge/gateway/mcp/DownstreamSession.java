package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.RequestId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A legacy (2025-11-25 and earlier) downstream session: what {@code initialize} established, plus the live parts a
 * node holds while the client is connected (its standalone stream, requests in flight, questions awaiting answers).
 *
 * <p>The durable part ({@link #id}, principal, client, log level, subscriptions) is what a store keeps so that any
 * node can serve the session; the live part is rebuilt by whichever node the client's next request reaches.
 */
public final class DownstreamSession {
  private final String id;
  private final Principal principal;
  private final ClientInfo client;
  private volatile String logLevel;
  private volatile long lastSeenMillis;
  private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
  /** The subscriptions this node asked its upstreams for on this session's behalf (node-local, never stored). */
  private final Set<String> subscribedHere = new java.util.HashSet<>();
  /**
   * Whether this node holds the session's stream: set when one is attached here, cleared when another node takes it
   * over — not when the connection merely breaks, since the client may come back here.
   */
  private boolean streamHere;
  private final Map<RequestId, Exchange> inFlight = new ConcurrentHashMap<>();
  private final Map<RequestId, CompletableFuture<ObjectNode>> questions = new ConcurrentHashMap<>();
  private final AtomicLong nextQuestion = new AtomicLong(1);
  private volatile Consumer<JsonRpcMessage> stream;
  private final java.util.List<Runnable> endHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  DownstreamSession(String id, Principal principal, ClientInfo client, long nowMillis) {
    this.id = id;
    this.principal = principal;
    this.client = client;
    this.lastSeenMillis = nowMillis;
  }

  public String id() {
    return id;
  }

  public Principal principal() {
    return principal;
  }

  public ClientInfo client() {
    return client;
  }

  String logLevel() {
    return logLevel;
  }

  void logLevel(String level) {
    this.logLevel = level;
  }

  void touch(long nowMillis) {
    lastSeenMillis = nowMillis;
  }

  long lastSeenMillis() {
    return lastSeenMillis;
  }

  Set<String> subscriptions() {
    return subscriptions;
  }

  Map<RequestId, Exchange> inFlight() {
    return inFlight;
  }

  Map<RequestId, CompletableFuture<ObjectNode>> questions() {
    return questions;
  }

  /** Unique across nodes too: the answer may reach another node, which passes it on to every node. */
  RequestId nextQuestionId() {
    return RequestId.of("c-" + ContinuationRelay.NODE + "-" + nextQuestion.getAndIncrement());
  }

  /** Runs {@code hook} when this node's copy of the session ends (closed here or on another node). */
  public void onEnd(Runnable hook) {
    endHooks.add(hook);
  }

  void ended() {
    endHooks.forEach(Runnable::run);
    endHooks.clear();
  }

  /**
   * Attaches the standalone stream (the HTTP GET stream, or stdout on stdio) that carries messages not tied to a
   * request. Returns {@code false} when one is already attached: a session has at most one.
   */
  synchronized boolean attachStream(Consumer<JsonRpcMessage> sink) {
    if (stream != null) {
      return false;
    }
    stream = sink;
    streamHere = true;
    return true;
  }

  /** Attaches {@code sink} in place of any stream attached before (a client that reconnected). */
  synchronized void replaceStream(Consumer<JsonRpcMessage> sink) {
    stream = sink;
    streamHere = true;
  }

  /** Another node now holds the session's stream: this copy no longer writes to its old one. */
  synchronized void dropStream() {
    stream = null;
    streamHere = false;
  }

  /**
   * What this node's upstream subscriptions for the session must change by: while it holds the session's stream,
   * every subscription of the session; otherwise none (the holder has them). Records the outcome as done.
   *
   * @return the URIs to subscribe to ({@code added}) and to drop ({@code removed})
   */
  synchronized SubscriptionChange reconcileSubscriptions(boolean ending) {
    Set<String> wanted = streamHere && !ending ? Set.copyOf(subscriptions) : Set.of();
    java.util.List<String> removed = subscribedHere.stream().filter(u -> !wanted.contains(u)).sorted().toList();
    java.util.List<String> added = wanted.stream().filter(u -> !subscribedHere.contains(u)).sorted().toList();
    removed.forEach(subscribedHere::remove);
    subscribedHere.addAll(added);
    return new SubscriptionChange(added, removed);
  }

  record SubscriptionChange(java.util.List<String> added, java.util.List<String> removed) {}

  public synchronized void detachStream(Consumer<JsonRpcMessage> sink) {
    if (stream == sink) {
      stream = null;
    }
  }

  boolean hasStream() {
    return stream != null;
  }

  /** Sends on the standalone stream; returns {@code false} when none is attached (the message is dropped). */
  boolean sendOnStream(JsonRpcMessage message) {
    Consumer<JsonRpcMessage> sink = stream;
    if (sink == null) {
      return false;
    }
    sink.accept(message);
    return true;
  }
}
