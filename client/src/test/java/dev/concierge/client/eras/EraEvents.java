package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ClientHandlers;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * What a client told its callbacks, recorded for assertions; its elicitation handler always accepts with the name
 * {@value #NAME}. Waits poll with a generous deadline: a test depends on an event arriving, never on how fast.
 */
final class EraEvents {
  static final String NAME = "Bob";
  static final Duration WAIT = Duration.ofSeconds(30);

  record Elicitation(CallOrigin origin, ObjectNode params) {}

  record Progress(CallOrigin origin, double progress, Double total, String message) {}

  record Change(String server, String what, String uri) {}

  final List<Elicitation> elicitations = new CopyOnWriteArrayList<>();
  final List<Progress> progress = new CopyOnWriteArrayList<>();
  final List<Change> changes = new CopyOnWriteArrayList<>();

  MultiServerMCPClient.Builder install(MultiServerMCPClient.Builder builder) {
    return builder
        .elicitation((origin, params) -> {
          elicitations.add(new Elicitation(origin, params));
          return CompletableFuture.completedFuture(
              ClientHandlers.Elicitation.accept(Json.object().put("name", NAME)));
        })
        .onProgress((origin, value, total, message) -> progress.add(new Progress(origin, value, total, message)))
        .onChange((server, what, uri) -> changes.add(new Change(server, what, uri)));
  }

  long changesOf(String what) {
    return changes.stream().filter(c -> c.what().equals(what)).count();
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited " + WAIT.toSeconds() + " s for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }
}
