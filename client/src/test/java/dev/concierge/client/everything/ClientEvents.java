package dev.concierge.client.everything;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ClientHandlers;
import dev.concierge.client.McpCall;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Everything a {@link MultiServerMCPClient} told its callbacks, recorded for assertions, with handlers that answer the
 * server-everything's sampling and elicitation requests the same way every time. Waits poll: a test never depends on
 * how fast a notification travels, only on it arriving within a generous timeout.
 */
public final class ClientEvents {
  /** What the sampling handler answers, as a model would. */
  public static final String SAMPLED_TEXT = "pong from the test model";
  /** The name the elicitation handler fills in. */
  public static final String ELICITED_NAME = "Bob";
  /** The root the client offers. */
  public static final String ROOT_URI = "file:///tmp/concierge-contract-root";

  /** One progress notification. */
  public record Progress(CallOrigin origin, double progress, Double total, String message) {}

  /** One change notification. */
  public record Change(String server, String what, String uri) {}

  /** One request a server made of the client. */
  public record ServerRequest(CallOrigin origin, ObjectNode params) {}

  public final List<Progress> progress = new CopyOnWriteArrayList<>();
  public final List<Change> changes = new CopyOnWriteArrayList<>();
  public final List<ServerRequest> samplings = new CopyOnWriteArrayList<>();
  public final List<ServerRequest> elicitations = new CopyOnWriteArrayList<>();
  /** Every call interceptors saw, as they saw it (before any rewrite). */
  public final List<McpCall> intercepted = new CopyOnWriteArrayList<>();

  /** Registers recording handlers (sampling, elicitation, roots, progress, changes) on a client builder. */
  public MultiServerMCPClient.Builder install(MultiServerMCPClient.Builder builder) {
    return builder
        .sampling(this::sample)
        .elicitation(this::elicit)
        .roots(origin -> List.of(new ClientHandlers.Root(ROOT_URI, "contract-root")))
        .onProgress((origin, value, total, message) -> progress.add(new Progress(origin, value, total, message)))
        .onChange((server, what, uri) -> changes.add(new Change(server, what, uri)));
  }

  private CompletableFuture<ObjectNode> sample(CallOrigin origin, ObjectNode params) {
    samplings.add(new ServerRequest(origin, params));
    ObjectNode result = Json.object().put("role", "assistant").put("model", "contract-test-model")
        .put("stopReason", "endTurn");
    result.set("content", Json.object().put("type", "text").put("text", SAMPLED_TEXT));
    return CompletableFuture.completedFuture(result);
  }

  private CompletableFuture<ObjectNode> elicit(CallOrigin origin, ObjectNode params) {
    elicitations.add(new ServerRequest(origin, params));
    return CompletableFuture.completedFuture(
        ClientHandlers.Elicitation.accept(Json.object().put("name", ELICITED_NAME)));
  }

  /** Waits up to {@code timeout} for an element of {@code list} matching {@code match}; fails with what was seen. */
  public static <T> T await(List<T> list, Predicate<T> match, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (T item : list) {
        if (match.test(item)) {
          return item;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no " + what + " within " + timeout + "; saw " + list);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  /** Waits up to {@code timeout} for {@code condition} to hold. */
  public static void eventually(BooleanSupplier condition, Duration timeout, String what) {
    await(List.of(condition), BooleanSupplier::getAsBoolean, timeout, what);
  }

  /** The value of a JSON pointer in {@code node} as text, or {@code null}. */
  static String at(JsonNode node, String pointer) {
    JsonNode value = node == null ? null : node.at(pointer);
    return value == null || value.isMissingNode() || value.isNull() ? null : value.asText();
  }
}
