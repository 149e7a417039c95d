package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.StateStore;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Notes between gateway nodes over the state store's channel: JSON objects whose {@code node} field names the node
 * they are for. Every node hears every note on a topic and keeps those addressed to it.
 */
public final class NodeMessages {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final System.Logger LOG = System.getLogger(NodeMessages.class.getName());

  private NodeMessages() {}

  /** A random id of {@code bytes} bytes in hex: a node's name, or a correlation between two nodes. */
  public static String newId(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Publishes {@code note}; {@code false} (and a warning in the log) when the store could not take it. */
  public static boolean publish(StateStore state, String topic, ObjectNode note) {
    try {
      state.publish(topic, Json.write(note));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "could not reach another gateway node: " + e.getMessage());
      return false;
    }
  }

  /** The note in {@code message} when it is addressed to {@code node}, else {@code null} (another's, or unreadable). */
  public static ObjectNode addressedTo(String node, String message) {
    try {
      return Json.parse(message) instanceof ObjectNode note && node.equals(Json.text(note, "node")) ? note : null;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an unreadable note between gateway nodes: " + e.getMessage());
      return null;
    }
  }
}
