package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.StateStore;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Carries a 2026-07-28 retry to the node where its request waits. A request that asked its client for input is
 * parked on the node that ran it (an upstream call may be open there); the signed {@code requestState} names that
 * node, and the client's retry — which a balancer may send anywhere — is passed to it through the store's messages.
 * The owner answers at once that it took the retry, then sends the round's messages back as they come. If no node
 * takes the retry within {@link #TAKE_WITHIN_MILLIS} (its node died), the client is told to send the request again
 * without the state, which any node can serve.
 */
final class ContinuationRelay {
  /** This process among the gateway nodes. */
  static final String NODE = NodeMessages.newId(6);
  static final long TAKE_WITHIN_MILLIS = 3000;
  private static final String RETRY = "continuation-retry";
  private static final String REPLY = "continuation-reply";

  /** Serves a retry that arrived from another node, on this node's waiting request; returns its cancel. */
  interface Local {
    Runnable retry(String continuation, String principalKey, JsonRpcRequest request, Channel channel);
  }

  private final StateStore state;
  private final Local local;
  private final Map<String, Forwarded> forwarded = new ConcurrentHashMap<>();
  private final Map<String, Runnable> taken = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "concierge-relay-timer");
    t.setDaemon(true);
    return t;
  });

  private record Forwarded(Channel channel, boolean[] takenFlag) {}

  ContinuationRelay(StateStore state, Local local) {
    this.state = state;
    this.local = local;
    state.subscribe(RETRY, this::onRetry);
    state.subscribe(REPLY, this::onReply);
  }

  /** Passes the retry to {@code node}; its messages reach {@code channel}. Returns what cancels it. */
  Runnable forward(String node, String continuation, String principalKey, JsonRpcRequest request,
      Channel channel) {
    String correlation = NodeMessages.newId(12);
    boolean[] takenFlag = new boolean[1];
    forwarded.put(correlation, new Forwarded(channel, takenFlag));
    ObjectNode note = Json.object().put("node", node).put("continuation", continuation)
        .put("principal", principalKey).put("from", NODE).put("correlation", correlation);
    note.set("request", request.toJson());
    if (!send(RETRY, note)) {
      forwarded.remove(correlation);
      channel.complete(gone(request));
      return () -> { };
    }
    timer.schedule(() -> {
      synchronized (takenFlag) {
        if (!takenFlag[0] && forwarded.remove(correlation) != null) {
          channel.complete(gone(request));
        }
      }
    }, TAKE_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
    return () -> {
      if (forwarded.remove(correlation) != null) {
        send(REPLY, Json.object().put("node", node).put("correlation", correlation).put("cancel", true));
      }
    };
  }

  private static JsonRpcResponse gone(JsonRpcRequest request) {
    return JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INVALID_PARAMS, "requestState refers "
        + "to a request that is no longer waiting (it finished, expired, or its gateway node stopped); send the "
        + "request again without it", null));
  }

  /** On the owner: a retry for one of this node's waiting requests. */
  private void onRetry(String message) {
    ObjectNode note = NodeMessages.addressedTo(NODE, message);
    if (note == null) {
      return;
    }
    String from = Json.text(note, "from");
    String correlation = Json.text(note, "correlation");
    if (!(JsonRpcMessage.parse(note.get("request")) instanceof JsonRpcRequest request)) {
      return;
    }
    Channel back = new Channel() {
      @Override
      public void interim(JsonRpcMessage m) {
        reply(from, correlation, "interim", m);
      }

      @Override
      public void complete(JsonRpcResponse r) {
        taken.remove(correlation);
        reply(from, correlation, "response", r);
      }
    };
    send(REPLY, Json.object().put("node", from).put("correlation", correlation).put("taken", true));
    taken.put(correlation, local.retry(Json.text(note, "continuation"), Json.text(note, "principal"), request, back));
  }

  private void reply(String to, String correlation, String kind, JsonRpcMessage m) {
    ObjectNode note = Json.object().put("node", to).put("correlation", correlation);
    note.set(kind, m.toJson());
    if (!send(REPLY, note) && m instanceof JsonRpcResponse r) {
      // too large or the store failed: the client must still get an answer
      ObjectNode fallback = Json.object().put("node", to).put("correlation", correlation);
      fallback.set("response", JsonRpcResponse.failure(r.id(), new JsonRpcError(ErrorCodes.INTERNAL_ERROR,
          "the result could not be passed between gateway nodes", null)).toJson());
      send(REPLY, fallback);
    }
  }

  /** On the node the client is connected to: what the owner sent back. */
  private void onReply(String message) {
    ObjectNode note = NodeMessages.addressedTo(NODE, message);
    if (note == null) {
      return;
    }
    String correlation = Json.text(note, "correlation");
    if (note.path("cancel").asBoolean(false)) {
      Runnable cancel = taken.remove(correlation);
      if (cancel != null) {
        cancel.run();
      }
      return;
    }
    Forwarded f = forwarded.get(correlation);
    if (f == null) {
      return;
    }
    synchronized (f.takenFlag()) {
      f.takenFlag()[0] = true;
    }
    if (note.has("interim")) {
      f.channel().interim(JsonRpcMessage.parse(note.get("interim")));
    } else if (note.has("response") && forwarded.remove(correlation) != null
        && JsonRpcMessage.parse(note.get("response")) instanceof JsonRpcResponse r) {
      f.channel().complete(r);
    }
  }

  private boolean send(String topic, ObjectNode note) {
    return NodeMessages.publish(state, topic, note);
  }

  void close() {
    timer.shutdownNow();
  }
}
