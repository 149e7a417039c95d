package dev.concierge.gateway.http;

import dev.concierge.context.StateStore;
import dev.concierge.gateway.mcp.DownstreamSession;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.util.List;

/**
 * The standalone (GET) stream of a legacy session, resumable on any node: each message is appended to the session's
 * log in the {@link StateStore} before it is written, and its event id ({@code s-<position>}) is its position there,
 * so a client that reconnects with {@code Last-Event-ID} — to whichever node the balancer picks — gets every later
 * message from the log, then the live ones.
 */
final class SessionStream {
  static final String ID_PREFIX = "s-";
  private static final int REPLAY_LIMIT = 1024;
  private static final System.Logger LOG = System.getLogger(SessionStream.class.getName());

  private final StateStore state;
  private final DownstreamSession session;
  private ResponseWriter writer;
  private boolean ended;

  SessionStream(StateStore state, DownstreamSession session) {
    this.state = state;
    this.session = session;
  }

  /** The log position in an event id of a session stream, or -1 when the id is not one. */
  static long position(String eventId) {
    if (eventId == null || !eventId.startsWith(ID_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(eventId.substring(ID_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Attaches the connection, first replaying what the log holds after {@code after} (0: nothing to replay). */
  synchronized void attach(ResponseWriter w, long after) {
    writer = w;
    if (after > 0) {
      try {
        List<StateStore.SessionEvent> missed = state.eventsAfter(session.principal().key(), session.id(), after,
            REPLAY_LIMIT);
        for (StateStore.SessionEvent e : missed) {
          if (e.body().isEmpty()) {
            continue; // a priming event
          }
          w.write(Http.sseEvent(ID_PREFIX + e.seq(), JsonRpcMessage.parse(e.body())), false);
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not replay a session stream: " + e.getMessage());
      }
    }
  }

  /**
   * Writes the priming event (an id with empty data), logged too, so that a client can resume from the start even
   * before the first message.
   */
  synchronized void prime() {
    try {
      long at = state.appendEvent(session.principal().key(), session.id(), "");
      if (writer != null) {
        writer.write(("id: " + ID_PREFIX + at + "\ndata: \n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
            false);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not log a session stream's start: " + e.getMessage());
    }
  }

  /** Logs the message, then writes it; a message the store cannot log is still written (it just cannot be resumed). */
  synchronized void send(JsonRpcMessage message) {
    if (ended) {
      return;
    }
    String id = null;
    try {
      id = ID_PREFIX + state.appendEvent(session.principal().key(), session.id(), message.toJsonString());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not log a session stream message: " + e.getMessage());
    }
    if (writer != null) {
      writer.write(Http.sseEvent(id, message), false);
    }
  }

  synchronized void keepAlive() {
    if (writer != null && !ended) {
      writer.write(Http.SSE_COMMENT, false);
    }
  }

  synchronized void end() {
    if (!ended) {
      ended = true;
      if (writer != null) {
        writer.write(new byte[0], true);
      }
    }
  }

  synchronized boolean ended() {
    return ended;
  }
}
