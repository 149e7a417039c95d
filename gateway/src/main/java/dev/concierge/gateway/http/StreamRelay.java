package dev.concierge.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.StateStore;
import dev.concierge.gateway.mcp.NodeMessages;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Resumes a POST's response stream on a node other than the one running the request. The request's events are
 * produced where it runs; a client whose connection broke resumes with GET and {@code Last-Event-ID}, which a
 * balancer may send to any node. That node asks the stream's node (named in the event id) through the store's
 * messages, and the stream's node replays what the client missed and sends what follows the same way; the resuming
 * node writes it all to its GET response.
 *
 * <p>When the stream's node does not answer (it died, and the request with it), the client is not left waiting: it
 * gets an error response for its request (whose id the stream id carries) saying to send the request again. Each
 * {@link #tick} (the gateway's keep-alive period) counts silence; the stream's node relays its keep-alives, so two
 * silent ticks before it took the stream mean it is gone. The notes are numbered: once the node has answered, a gap
 * or three silent ticks make this node ask again from the last event it wrote, at most {@link #MAX_RENEWALS} times.
 */
final class StreamRelay {
  private static final String RESUME = "stream-resume";
  private static final String EVENTS = "stream-events";
  private static final int TICKS_TO_TAKE = 2;
  private static final int TICKS_SILENT = 3;
  /** How often a resumption whose notes were lost, or whose node fell silent, is asked for again. */
  private static final int MAX_RENEWALS = 2;
  /** A request id longer than this (as base64url JSON) is not carried in stream ids. */
  private static final int MAX_ID_CHARS = 64;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final System.Logger LOG = System.getLogger(StreamRelay.class.getName());

  private final StateStore state;
  /** This node among those sharing the store (one per endpoint: tests run several nodes in one JVM). */
  private final String node = NodeMessages.newId(6);
  /** Finds one of this node's kept streams: (session id, stream id) -> stream, or null. */
  private final BiFunction<String, String, EventStream> local;
  /** Streams resumed here from another node, by correlation. */
  private final Map<String, Resumed> resumed = new ConcurrentHashMap<>();
  /** Streams of this node sent to another, by correlation. */
  private final Map<String, Remote> sending = new ConcurrentHashMap<>();
  /** Publishes the notes of this node's relayed streams, one at a time, in order. */
  private final java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor(
      task -> {
        Thread t = new Thread(task, "concierge-stream-relay");
        t.setDaemon(true);
        return t;
      });
  private final AutoCloseable resumeListener;
  private final AutoCloseable eventsListener;

  /** A resumption here of another node's stream: what the client has been sent so far. */
  private static final class Resumed {
    final String owner;
    final String session;
    final String stream;
    final RequestId request;
    final SseSink client;
    /** The key of the current ask in {@code resumed}: each renewal asks under a new one. */
    volatile String correlation;
    /** The seq of the last event written to the client: where a renewed resumption starts. */
    long afterSeq;
    /** The number the next note must carry; another means one was lost. */
    long nextNote = 1;
    boolean taken;
    int silentTicks;
    int renewals;

    Resumed(String owner, String session, String stream, RequestId request, SseSink client, long afterSeq) {
      this.owner = owner;
      this.session = session;
      this.stream = stream;
      this.request = request;
      this.client = client;
      this.afterSeq = afterSeq;
    }
  }

  StreamRelay(StateStore state, BiFunction<String, String, EventStream> local) {
    this.state = state;
    this.local = local;
    this.resumeListener = state.subscribe(RESUME, this::onResume);
    this.eventsListener = state.subscribe(EVENTS, this::onEvents);
  }

  /** A new id for a POST stream of this node that answers {@code request}: {@code p<node>.<n>[.<request id>]}. */
  String streamId(long n, RequestId request) {
    String id = B64.encodeToString(Json.write(request.toJson()).getBytes(StandardCharsets.UTF_8));
    return "p" + node + "." + n + (id.length() <= MAX_ID_CHARS ? "." + id : "");
  }

  /** Whether {@code streamId} is one of this node's (else {@link #resume} asks its node). */
  boolean isLocal(String streamId) {
    return node.equals(nodeOf(streamId));
  }

  /**
   * Resumes another node's stream on {@code client}, replaying its events after {@code afterSeq}. {@code client}'s
   * headers are sent; it gets the stream's events, or an error for the request when no node has the stream.
   *
   * @param session the GET's session, already checked to be the caller's: only that session's streams are resumed
   * @return what to call when the client goes away
   */
  Runnable resume(String session, String streamId, long afterSeq, SseSink client) {
    String owner = nodeOf(streamId);
    if (owner == null) {
      endUnresumable(requestOf(streamId), client);
      return () -> { };
    }
    Resumed r = new Resumed(owner, session, streamId, requestOf(streamId), client, afterSeq);
    ask(r);
    return () -> {
      String correlation = r.correlation;
      if (resumed.remove(correlation, r)) {
        cancel(r.owner, correlation);
      }
    };
  }

  /** Asks the stream's node for the events after {@code r.afterSeq}, under a new correlation. */
  private void ask(Resumed r) {
    String correlation = NodeMessages.newId(12);
    r.correlation = correlation;
    resumed.put(correlation, r);
    ObjectNode ask = Json.object().put("node", r.owner).put("from", node).put("correlation", correlation)
        .put("session", r.session).put("stream", r.stream).put("after", r.afterSeq);
    if (!publish(RESUME, ask)) {
      giveUp(correlation);
    }
  }

  /**
   * A note was lost (the listening connection broke, or a publish failed) or the stream's node fell silent: ask again
   * from the last event the client got, a few times, before telling the client its request is gone.
   */
  private void renew(String correlation, Resumed r) {
    if (r.renewals >= MAX_RENEWALS || !resumed.remove(correlation, r)) {
      giveUp(correlation);
      return;
    }
    cancel(r.owner, correlation);
    synchronized (r) {
      r.renewals++;
      r.nextNote = 1;
      r.taken = false;
      r.silentTicks = 0;
    }
    ask(r);
  }

  private void cancel(String owner, String correlation) {
    publish(EVENTS, Json.object().put("node", owner).put("correlation", correlation).put("cancel", true));
  }

  /**
   * Ends {@code client}'s resumption of a stream that no node has: an error response for its request when the
   * stream id names it ({@code request} not null), else just the end of the stream (the client gives up on it).
   */
  static void endUnresumable(RequestId request, SseSink client) {
    if (request == null) {
      client.write(new byte[0], true);
      return;
    }
    client.write(Http.sseEvent(null, JsonRpcResponse.failure(request, new JsonRpcError(ErrorCodes.INTERNAL_ERROR,
        "This request's stream cannot be resumed: the gateway node that ran it stopped, or the stream is gone. Send "
            + "the request again.", null))), true);
  }

  /** On the stream's node: another node resumes one of this node's streams. */
  private void onResume(String message) {
    ObjectNode ask = NodeMessages.addressedTo(node, message);
    if (ask == null) {
      return;
    }
    String from = Json.text(ask, "from");
    String correlation = Json.text(ask, "correlation");
    EventStream stream = local.apply(Json.text(ask, "session"), Json.text(ask, "stream"));
    if (stream == null) {
      publish(EVENTS, Json.object().put("node", from).put("correlation", correlation).put("gone", true));
      return;
    }
    Remote remote = new Remote(from, correlation);
    sending.put(correlation, remote);
    remote.send(Json.object().put("taken", true), false);
    stream.attach(remote, ask.path("after").asLong(0));
  }

  /** On either node: the stream's events (on the resuming node), or a cancel (on the stream's node). */
  private void onEvents(String message) {
    ObjectNode note = NodeMessages.addressedTo(node, message);
    if (note == null) {
      return;
    }
    String correlation = Json.text(note, "correlation");
    if (note.path("cancel").asBoolean(false)) {
      Remote remote = sending.remove(correlation);
      if (remote != null) {
        remote.cancelled = true;
      }
      return;
    }
    Resumed r = resumed.get(correlation);
    if (r == null) {
      return;
    }
    if (note.path("gone").asBoolean(false)) {
      giveUp(correlation);
      return;
    }
    if (note.path("replaced").asBoolean(false)) { // the client resumed the stream again elsewhere: this one just ends
      if (resumed.remove(correlation, r)) {
        r.client.write(new byte[0], true);
      }
      return;
    }
    boolean lost;
    synchronized (r) {
      lost = note.path("n").asLong() != r.nextNote;
      if (!lost) {
        r.nextNote++;
        r.taken = true;
        r.silentTicks = 0;
      }
    }
    if (lost) {
      renew(correlation, r);
      return;
    }
    boolean last = note.path("last").asBoolean(false);
    if (last && !resumed.remove(correlation, r)) {
      return; // given up a moment ago: the client has its answer already
    }
    String data = Json.text(note, "data");
    if (data != null) {
      long seq = seqIn(data, r.stream);
      if (seq > 0) {
        synchronized (r) {
          r.afterSeq = seq;
        }
      }
    }
    if (data != null || last) {
      r.client.write(data == null ? new byte[0] : data.getBytes(StandardCharsets.UTF_8), last);
    }
  }

  /** The seq in an SSE event's {@code id:} line when it is one of {@code stream}'s, else -1 (a keep-alive). */
  private static long seqIn(String event, String stream) {
    int end = event.indexOf('\n');
    return event.startsWith("id: ") && end > 0 ? EventStream.parseSeq(event.substring(4, end), stream) : -1;
  }

  /**
   * Once per keep-alive period: a resumption whose node never took it ends with an error for its request; one whose
   * node fell silent after answering is asked for again.
   */
  void tick() {
    for (Map.Entry<String, Resumed> e : resumed.entrySet()) {
      Resumed r = e.getValue();
      boolean silent;
      synchronized (r) {
        r.silentTicks++;
        silent = r.silentTicks >= (r.taken ? TICKS_SILENT : TICKS_TO_TAKE);
      }
      if (silent && r.taken) {
        renew(e.getKey(), r); // it answered before: a late or lost note, not a dead node
      } else if (silent) {
        giveUp(e.getKey()); // it never took the stream: its node is gone (a client must not wait for renewals)
      }
    }
    sending.values().removeIf(Remote::isFailed);
  }

  private void giveUp(String correlation) {
    Resumed r = resumed.remove(correlation);
    if (r != null) {
      cancel(r.owner, correlation); // a node that was only slow stops relaying
      endUnresumable(r.request, r.client);
    }
  }

  /**
   * This node's stream as written to another node: each chunk becomes a numbered note to it. Notes are published by
   * the relay's own thread, in order, so that a writer (an upstream's thread, the store's listener replaying the
   * log) never waits on the database.
   */
  private final class Remote implements SseSink {
    private final String to;
    private final String correlation;
    private volatile boolean cancelled;
    private boolean ended;
    private long notes;

    Remote(String to, String correlation) {
      this.to = to;
      this.correlation = correlation;
    }

    @Override
    public synchronized void write(byte[] bytes, boolean last) {
      if (cancelled || ended) {
        return;
      }
      ended = last;
      ObjectNode note = Json.object().put("last", last);
      if (bytes.length > 0) {
        note.put("data", new String(bytes, StandardCharsets.UTF_8));
      }
      send(note, last);
    }

    synchronized void send(ObjectNode note, boolean last) {
      note.put("node", to).put("correlation", correlation).put("n", ++notes);
      try {
        publisher.execute(() -> {
          publish(EVENTS, note); // one lost is noticed there by the gap in the numbers, or by the silence
          if (last) {
            sending.remove(correlation);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) { // closing
        cancelled = true;
      }
    }

    /** Another connection took the stream over: the resuming node ends its client's stream (not with an error). */
    @Override
    public void replaced() {
      if (!cancelled && !ended) {
        send(Json.object().put("replaced", true), true);
      }
      cancelled = true;
    }

    @Override
    public boolean isFailed() {
      return cancelled || ended;
    }
  }

  private boolean publish(String topic, ObjectNode note) {
    return NodeMessages.publish(state, topic, note);
  }

  /** The node part of a POST stream id, or null when it is not one. */
  static String nodeOf(String streamId) {
    int dot = streamId == null ? -1 : streamId.indexOf('.');
    return streamId != null && streamId.startsWith("p") && dot > 1 ? streamId.substring(1, dot) : null;
  }

  /** The request a POST stream id names, or null when it names none (or not readably). */
  static RequestId requestOf(String streamId) {
    int first = streamId == null ? -1 : streamId.indexOf('.');
    int second = first < 0 ? -1 : streamId.indexOf('.', first + 1);
    if (second < 0) {
      return null;
    }
    try {
      return RequestId.fromJson(Json.parse(new String(Base64.getUrlDecoder().decode(streamId.substring(second + 1)),
          StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  void close() {
    publisher.shutdown();
    for (AutoCloseable listener : new AutoCloseable[] {resumeListener, eventsListener}) {
      try {
        listener.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "closing a listener: " + e.getMessage());
      }
    }
  }
}
