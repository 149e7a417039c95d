package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A 2026-07-28 request whose handler is waiting for the client's input. The handler keeps running across round
 * trips: each {@link Exchange#ask} becomes an entry of the next {@code input_required} result, and the client's retry
 * with {@code inputResponses} completes the waiting asks. Whoever serves the current round waits on {@link #next}.
 */
final class Continuation {
  private final java.util.function.Supplier<String> ids;
  private volatile String id;
  private final Principal principal;
  private final String method;
  private final String name;
  private final Map<String, Question> unanswered = new LinkedHashMap<>();
  private CompletableFuture<ObjectNode> result;
  private CompletableFuture<Void> signal = new CompletableFuture<>();
  private int nextKey = 1;
  private volatile long expiresAtMillis;

  private record Question(String method, ObjectNode params, CompletableFuture<ObjectNode> answer) {}

  Continuation(java.util.function.Supplier<String> ids, Principal principal, String method, String name) {
    this.ids = ids;
    this.principal = principal;
    this.method = method;
    this.name = name;
  }

  /** The id a {@code requestState} names; drawn on first use. */
  synchronized String id() {
    if (id == null) {
      id = ids.get();
    }
    return id;
  }

  boolean hasId() {
    return id != null;
  }

  Principal principal() {
    return principal;
  }

  String method() {
    return method;
  }

  String name() {
    return name;
  }

  long expiresAtMillis() {
    return expiresAtMillis;
  }

  void expiresAt(long millis) {
    expiresAtMillis = millis;
  }

  /** Starts watching the handler's result. */
  synchronized void watch(CompletableFuture<ObjectNode> handlerResult) {
    this.result = handlerResult;
    handlerResult.whenComplete((v, e) -> wake());
  }

  /** A question from the handler: it waits for the client's answer in a later round. */
  synchronized CompletableFuture<ObjectNode> ask(String askMethod, ObjectNode params) {
    Question q = new Question(askMethod, params, new CompletableFuture<>());
    unanswered.put(askMethod.replace('/', '-') + "-" + nextKey++, q);
    signal.complete(null);
    return q.answer;
  }

  /** Completes when the handler finished or asked something. */
  synchronized CompletableFuture<Void> next() {
    return signal;
  }

  /** The handler's result, when it has finished. */
  synchronized CompletableFuture<ObjectNode> result() {
    return result;
  }

  synchronized boolean finished() {
    return result != null && result.isDone();
  }

  /** The questions the client has not answered yet, as the {@code inputRequests} map; re-arms the signal. */
  synchronized ObjectNode takeRequests() {
    ObjectNode requests = Json.object();
    unanswered.forEach((key, q) -> requests.putObject(key).put("method", q.method).set("params", q.params));
    signal = new CompletableFuture<>();
    if (result != null && result.isDone()) {
      signal.complete(null);
    }
    return requests;
  }

  /** Applies the client's {@code inputResponses}; keys it does not know are ignored. */
  void answer(JsonNode responses) {
    Map<Question, JsonNode> matched = new LinkedHashMap<>();
    synchronized (this) {
      if (responses != null && responses.isObject()) {
        for (Map.Entry<String, JsonNode> e : responses.properties()) {
          Question q = unanswered.remove(e.getKey());
          if (q != null) {
            matched.put(q, e.getValue());
          }
        }
      }
      if (!unanswered.isEmpty()) {
        signal.complete(null); // the client left questions open: ask them again at once
      }
    }
    matched.forEach((q, value) -> {
      if (value.isObject()) {
        q.answer.complete((ObjectNode) value);
      } else {
        q.answer.completeExceptionally(new McpException(ErrorCodes.INVALID_PARAMS,
            "inputResponses entries must be objects"));
      }
    });
  }

  /** Fails every waiting question: the client never came back. */
  void abandon(String reason) {
    Map<String, Question> open;
    synchronized (this) {
      open = new LinkedHashMap<>(unanswered);
      unanswered.clear();
    }
    open.values().forEach(q -> q.answer.completeExceptionally(new McpException(ErrorCodes.REQUEST_TIMEOUT, reason)));
  }

  private synchronized void wake() {
    signal.complete(null);
  }
}
