package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The gateway's durable state besides memories, which any node must see for the nodes to be interchangeable: the
 * records of legacy downstream sessions, API keys, the secrets every node signs with, and a channel on which nodes
 * tell each other what changed. {@link LocalStateStore} serves one process; {@link PostgresStateStore} any number sharing a
 * database. Records are opaque JSON to the store: what a session holds is the gateway's business.
 */
public interface StateStore extends AutoCloseable {
  /**
   * One session's record.
   *
   * @param owner whose session it is (the principal's key); every lookup names it, so no one finds another's
   * @param data what the gateway needs to continue the session on any node
   */
  record SessionRecord(String owner, String id, ObjectNode data, long lastSeenMillis) {}

  /** Stores a new session unless the owner already has {@code maxPerOwner}; returns whether it was stored. */
  boolean createSession(SessionRecord session, int maxPerOwner) throws IOException;

  Optional<SessionRecord> session(String owner, String id) throws IOException;

  /** Replaces the session's data (and marks it used now); {@code false} when it no longer exists. */
  boolean saveSession(String owner, String id, ObjectNode data, long nowMillis) throws IOException;

  /** Marks the sessions used now (a node holds their streams or runs their requests). */
  void touchSessions(List<String> ids, long nowMillis) throws IOException;

  boolean deleteSession(String owner, String id) throws IOException;

  /** Deletes sessions unused since {@code cutoffMillis}; returns them. */
  List<SessionRecord> expireSessions(long cutoffMillis) throws IOException;

  /** One message of a session's standalone stream, at its position in the session's log. */
  record SessionEvent(long seq, String body) {}

  /**
   * Appends a message to the session's stream log, so that the client can resume the stream on any node with
   * {@code Last-Event-ID}; returns its position (increasing within the session).
   */
  long appendEvent(String owner, String session, String body) throws IOException;

  /** The session's logged messages after position {@code after}, oldest first, at most {@code limit}. */
  List<SessionEvent> eventsAfter(String owner, String session, long after, int limit) throws IOException;

  /**
   * An API key as kept: the id its key carries, the SHA-256 of the whole key (never the key), and who it is for.
   *
   * @param data the key's principal and label: the gateway's JSON, opaque to the store
   */
  record KeyRecord(String id, byte[] digest, ObjectNode data) {}

  /** Stores a new key; {@code false} when one with its id exists. */
  boolean addKey(KeyRecord key) throws IOException;

  Optional<KeyRecord> key(String id) throws IOException;

  /** Every key, oldest first. */
  List<KeyRecord> keys() throws IOException;

  /** Removes a key; {@code false} when there was none with this id. */
  boolean deleteKey(String id) throws IOException;

  /** A random 32-byte secret under this name, created by the first node to ask and the same for all after. */
  byte[] secret(String name) throws IOException;

  /** Tells every node (this one included) subscribed to {@code topic}, in the order published. */
  void publish(String topic, String message) throws IOException;

  /** Hears what is published on {@code topic}, on a thread of the store's, until the handle is closed. */
  AutoCloseable subscribe(String topic, Consumer<String> listener);

  /** Throws when the store cannot be reached now (a node that cannot reach it should take no traffic). */
  default void check() throws IOException {}

  @Override
  void close() throws IOException;
}
