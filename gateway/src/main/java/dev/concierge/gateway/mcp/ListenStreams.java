package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.MetaKeys;
import dev.concierge.protocol.RequestId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The open 2026-07-28 {@code subscriptions/listen} streams. Each stream gets
 * {@code notifications/subscriptions/acknowledged} with the part of its filter the server honours, then only the
 * notification types it asked for, every one tagged with {@code io.modelcontextprotocol/subscriptionId} = the listen
 * request's id. Closing ends every stream with the listen request's own (graceful) response.
 */
final class ListenStreams {
  private static final List<String> LIST_KEYS = List.of("toolsListChanged", "promptsListChanged",
      "resourcesListChanged");

  /** One open stream. */
  record Stream(Principal principal, RequestId id, ObjectNode honored, Channel channel) {
    boolean wants(String filterKey) {
      return honored.path(filterKey).asBoolean(false);
    }

    /** The resource URIs this stream watches. */
    List<String> uris() {
      List<String> out = new java.util.ArrayList<>();
      honored.path("resourceSubscriptions").forEach(u -> out.add(u.asText()));
      return out;
    }

    boolean watches(String uri) {
      for (JsonNode u : honored.path("resourceSubscriptions")) {
        if (u.asText().equals(uri)) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Stream> open = new CopyOnWriteArrayList<>();

  /** Acknowledges and registers a stream; {@code subscribe} says whether the server offers resource subscriptions. */
  Stream open(Principal principal, RequestId id, ObjectNode requested, boolean subscribe, Channel channel) {
    ObjectNode honored = Json.object();
    for (String key : LIST_KEYS) {
      if (requested.path(key).asBoolean(false)) {
        honored.put(key, true);
      }
    }
    JsonNode uris = requested.get("resourceSubscriptions");
    if (subscribe && uris != null && uris.isArray() && !uris.isEmpty()) {
      honored.set("resourceSubscriptions", uris.deepCopy());
    }
    Stream stream = new Stream(principal, id, honored, channel);
    ObjectNode params = Json.object();
    params.set("notifications", honored.deepCopy());
    channel.interim(new JsonRpcNotification(McpMethods.NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED, tagged(params, id)));
    open.add(stream);
    return stream;
  }

  /** Forgets a stream; {@code false} when it was already gone. */
  boolean close(Stream stream) {
    return open.remove(stream);
  }

  /** Sends a list-changed notification to every stream of the audience that asked for it. */
  void listChanged(String method, Predicate<Principal> audience) {
    String key = switch (method) {
      case McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED -> "toolsListChanged";
      case McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED -> "promptsListChanged";
      case McpMethods.NOTIFICATION_RESOURCES_LIST_CHANGED -> "resourcesListChanged";
      default -> null;
    };
    for (Stream s : open) {
      if (key != null && s.wants(key) && audience.test(s.principal())) {
        s.channel().interim(new JsonRpcNotification(method, tagged(Json.object(), s.id())));
      }
    }
  }

  void resourceUpdated(String uri, Predicate<Principal> audience) {
    for (Stream s : open) {
      if (s.watches(uri) && audience.test(s.principal())) {
        s.channel().interim(new JsonRpcNotification(McpMethods.NOTIFICATION_RESOURCES_UPDATED,
            tagged(Json.object().put("uri", uri), s.id())));
      }
    }
  }

  /** Ends every stream gracefully with the listen request's own response. */
  void closeAll() {
    for (Stream s : List.copyOf(open)) {
      open.remove(s);
      s.channel().complete(JsonRpcResponse.success(s.id(), tagged(Json.object().put("resultType", "complete"),
          s.id())));
    }
  }

  private static ObjectNode tagged(ObjectNode params, RequestId id) {
    params.withObjectProperty("_meta").set(MetaKeys.SUBSCRIPTION_ID, id.toJson());
    return params;
  }
}
