package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The callbacks a client offers its servers. Each is told the {@link CallOrigin} it serves. A handler that is not
 * set means the client does not declare the capability. Handlers may be called from I/O threads: return quickly, or
 * return a future and do the work elsewhere. A handler that throws is contained: the server gets an error answer
 * and the engine carries on.
 */
public final class ClientHandlers {
  /** Answers {@code sampling/createMessage}: {@code params} as the server sent them, the result as the spec defines. */
  @FunctionalInterface
  public interface SamplingHandler {
    CompletableFuture<ObjectNode> createMessage(CallOrigin origin, ObjectNode params);
  }

  /**
   * Answers {@code elicitation/create} in form mode ({@code params.requestedSchema}) or URL mode
   * ({@code params.mode == "url"}, {@code params.url}). The result is {@code {"action":"accept"|"decline"|"cancel",
   * "content":{...}}}; see {@link Elicitation} for helpers.
   */
  @FunctionalInterface
  public interface ElicitationHandler {
    CompletableFuture<ObjectNode> elicit(CallOrigin origin, ObjectNode params);
  }

  /** Lists the client's roots ({@code file://} URIs the servers may work in). */
  @FunctionalInterface
  public interface RootsProvider {
    List<Root> roots(CallOrigin origin);
  }

  /** A root directory offered to servers. */
  public record Root(String uri, String name) {}

  /** Progress of a running call: {@code total} and {@code message} may be {@code null}. */
  @FunctionalInterface
  public interface ProgressListener {
    void onProgress(CallOrigin origin, double progress, Double total, String message);
  }

  /** A {@code notifications/message} log record from a server. */
  @FunctionalInterface
  public interface LogListener {
    void onLog(CallOrigin origin, String level, String logger, JsonNode data);
  }

  /** A server said its tools, prompts or resources changed, or that a subscribed resource was updated. */
  @FunctionalInterface
  public interface ChangeListener {
    /** {@code what} is the notification method; {@code uri} is set for {@code notifications/resources/updated}. */
    void onChange(String server, String what, String uri);
  }

  /** Helpers to build elicitation answers. */
  public static final class Elicitation {
    private Elicitation() {}

    public static ObjectNode accept(ObjectNode content) {
      ObjectNode result = dev.concierge.protocol.Json.object().put("action", "accept");
      if (content != null) {
        result.set("content", content);
      }
      return result;
    }

    public static ObjectNode decline() {
      return dev.concierge.protocol.Json.object().put("action", "decline");
    }

    public static ObjectNode cancel() {
      return dev.concierge.protocol.Json.object().put("action", "cancel");
    }
  }

  private ClientHandlers() {}
}
