package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.client.ClientHandlers;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import java.util.concurrent.CompletableFuture;

/**
 * Answers what a server asks of the client (sampling, elicitation, roots) with the user's handlers, whichever era
 * asked: a legacy server-to-client request or a 2026-07-28 input request inside {@code input_required}.
 */
final class ClientRequests {
  private final ClientEnvironment env;

  ClientRequests(ClientEnvironment env) {
    this.env = env;
  }

  /** The capabilities the client declares: exactly those it has handlers for. */
  ObjectNode capabilities() {
    ObjectNode caps = Json.object();
    if (env.roots() != null) {
      caps.set("roots", Json.object().put("listChanged", false));
    }
    if (env.sampling() != null) {
      caps.set("sampling", Json.object());
    }
    if (env.elicitation() != null) {
      ObjectNode elicitation = Json.object();
      elicitation.set("form", Json.object());
      elicitation.set("url", Json.object());
      caps.set("elicitation", elicitation);
    }
    return caps;
  }

  /** Answers one request; fails with {@code -32601} when the client offers no such capability. */
  CompletableFuture<JsonNode> answer(String method, ObjectNode params, CallOrigin origin) {
    ObjectNode p = params == null ? Json.object() : params;
    switch (method) {
      case McpMethods.SAMPLING_CREATE_MESSAGE -> {
        if (env.sampling() == null) {
          return unsupported(method);
        }
        return env.sampling().createMessage(origin, p).thenApply(r -> (JsonNode) r);
      }
      case McpMethods.ELICITATION_CREATE -> {
        if (env.elicitation() == null) {
          return unsupported(method);
        }
        return env.elicitation().elicit(origin, p).thenApply(r -> (JsonNode) r);
      }
      case McpMethods.ROOTS_LIST -> {
        if (env.roots() == null) {
          return unsupported(method);
        }
        ArrayNode roots = Json.array();
        for (ClientHandlers.Root root : env.roots().roots(origin)) {
          ObjectNode r = roots.addObject().put("uri", root.uri());
          if (root.name() != null) {
            r.put("name", root.name());
          }
        }
        ObjectNode result = Json.object();
        result.set("roots", roots);
        return CompletableFuture.completedFuture(result);
      }
      default -> {
        return unsupported(method);
      }
    }
  }

  private static CompletableFuture<JsonNode> unsupported(String method) {
    return CompletableFuture.failedFuture(
        new McpException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method));
  }
}
