package dev.concierge.gateway.http;

import dev.concierge.protocol.JsonRpcMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One SSE stream of a legacy session (a POST's response stream, or the standalone GET stream) with the event ids and
 * the bounded log that let a client resume it: a client whose connection broke sends GET with {@code Last-Event-ID}
 * and gets every later event of that stream, then the stream goes on where it was (2025-11-25 "Resumability and
 * Redelivery"). Messages sent while no connection is attached are kept in the log for that.
 */
final class EventStream {
  static final int MAX_LOGGED_EVENTS = 1024;

  private record Event(long seq, byte[] bytes) {}

  private final String id;
  private final ArrayDeque<Event> log = new ArrayDeque<>();
  private long seq;
  private boolean ended;
  private SseSink writer;

  EventStream(String id) {
    this.id = id;
  }

  String id() {
    return id;
  }

  /** Writes the priming event (an id with empty data) that lets a client resume before the first message. */
  synchronized void prime() {
    seq++;
    byte[] bytes = ("id: " + id + "-" + seq + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8);
    if (writer != null) {
      writer.write(bytes, false);
    }
  }

  /** Sends a message; {@code last} ends the stream (a POST stream ends with its response). */
  synchronized void send(JsonRpcMessage message, boolean last) {
    if (ended) {
      return;
    }
    seq++;
    byte[] bytes = Http.sseEvent(id + "-" + seq, message);
    log.add(new Event(seq, bytes));
    while (log.size() > MAX_LOGGED_EVENTS) {
      log.poll();
    }
    ended = last;
    if (writer != null) {
      writer.write(bytes, last);
    }
  }

  /** A keep-alive comment, so that a client that left is noticed on an idle stream. */
  synchronized void keepAlive() {
    if (writer != null && !ended) {
      writer.write(Http.SSE_COMMENT, false);
    }
  }

  /** Ends the stream: the attached connection (if any) completes, nothing more is sent. */
  synchronized void end() {
    if (!ended) {
      ended = true;
      if (writer != null) {
        writer.write(new byte[0], true);
      }
    }
  }

  /**
   * Attaches a connection (or another node resuming the stream), replaying every event after {@code afterSeq} (0:
   * from the start); it replaces the one attached before.
   */
  synchronized void attach(SseSink w, long afterSeq) {
    if (writer != null && writer != w) {
      writer.replaced();
    }
    writer = w;
    for (Event e : log) {
      if (e.seq > afterSeq) {
        w.write(e.bytes, false);
      }
    }
    if (ended) {
      w.write(new byte[0], true);
    }
  }

  synchronized void detach(SseSink w) {
    if (writer == w) {
      writer = null;
    }
  }

  synchronized boolean ended() {
    return ended;
  }

  synchronized boolean attached() {
    return writer != null && !writer.isFailed();
  }

  /** The sequence number in an event id of this stream, or -1 when the id is not this stream's. */
  static long parseSeq(String eventId, String streamId) {
    String prefix = streamId + "-";
    if (eventId == null || !eventId.startsWith(prefix)) {
      return -1;
    }
    try {
      return Long.parseLong(eventId.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The stream id part of an event id ({@code streamId-seq}). */
  static String streamOf(String eventId) {
    int dash = eventId == null ? -1 : eventId.lastIndexOf('-');
    return dash <= 0 ? null : eventId.substring(0, dash);
  }
}
