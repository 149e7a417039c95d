package dev.concierge.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental parser of a {@code text/event-stream} body following the WHATWG "event stream interpretation" rules:
 * lines end in CRLF, LF or CR (also when a CRLF is split between two reads); {@code event}, {@code data}, {@code id}
 * and {@code retry} fields; data lines joined with {@code \n}; lines starting with {@code :} are comments; a blank line
 * dispatches; an unterminated event at end of stream is discarded.
 *
 * <p>Bounded: an event whose data and current line together exceed {@code maxEventBytes} is dropped (reported through
 * {@link Handler#onOversize}) while the reader keeps its own memory below that limit, so a hostile server cannot
 * exhaust the heap. Not thread-safe: one reader per stream, fed by one thread.
 */
final class SseEventReader {
  /**
   * One dispatched event.
   *
   * @param type the {@code event} field, {@code "message"} when the stream named none
   * @param data the data lines joined with {@code \n}; empty for a priming event ({@code data:} with no value)
   * @param id the last event id in effect when this event was dispatched, or {@code null} when none was ever set
   */
  record Event(String type, String data, String id) {}

  /** Receives what the reader parses. */
  interface Handler {
    void onEvent(Event event);

    /** An event larger than the limit was discarded. */
    void onOversize(int limit);
  }

  private static final int READ_CHUNK = 8192;

  private final int maxEventBytes;
  private final Handler handler;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lineTooLong;
  private final StringBuilder data = new StringBuilder();
  private long dataBytes;
  private boolean eventOversize;
  private String eventType = "";
  private String lastEventId;
  private long retryMillis = -1;
  private boolean afterCr;
  private boolean firstLine = true;
  private volatile boolean stopped;

  /** A reader whose last event id starts at {@code lastEventId} (carried over from an earlier connection, or null). */
  SseEventReader(int maxEventBytes, String lastEventId, Handler handler) {
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
    }
    this.maxEventBytes = maxEventBytes;
    this.lastEventId = lastEventId;
    this.handler = handler;
  }

  /** The last {@code id} field seen (it persists across events), or {@code null}. */
  String lastEventId() {
    return lastEventId;
  }

  /** The reconnection time the server asked for with {@code retry}, or {@code -1} when it sent none. */
  long retryMillis() {
    return retryMillis;
  }

  /** Makes {@link #feed} and {@link #readAll} stop at the next byte; callable from the handler. */
  void stop() {
    stopped = true;
  }

  boolean isStopped() {
    return stopped;
  }

  /** Reads {@code in} to its end (or until {@link #stop}) feeding every byte through this reader. */
  void readAll(InputStream in) throws IOException {
    byte[] buffer = new byte[READ_CHUNK];
    int n;
    while (!stopped && (n = in.read(buffer)) >= 0) {
      feed(buffer, 0, n);
    }
  }

  /** Parses the remaining bytes of {@code buffer} (consuming them all, even after {@link #stop}). */
  void feed(ByteBuffer buffer) {
    int length = buffer.remaining();
    if (buffer.hasArray()) {
      feed(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
    } else {
      byte[] copy = new byte[length];
      buffer.duplicate().get(copy);
      feed(copy, 0, length);
    }
    buffer.position(buffer.limit());
  }

  /** Parses the next bytes of the stream; complete events go to the handler before this returns. */
  void feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length && !stopped; i++) {
      byte b = bytes[i];
      if (afterCr) {
        afterCr = false;
        if (b == '\n') {
          continue; // second half of a CRLF whose CR already ended the line
        }
      }
      if (b == '\r') {
        afterCr = true;
        endLine();
      } else if (b == '\n') {
        endLine();
      } else {
        append(b);
      }
    }
  }

  private void append(byte b) {
    if (lineTooLong) {
      return;
    }
    if (dataBytes + lineLength >= maxEventBytes) {
      lineTooLong = true;
      return;
    }
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, (int) Math.min((long) line.length * 2, maxEventBytes));
    }
    line[lineLength++] = b;
  }

  private void endLine() {
    if (lineTooLong) {
      // Drop the whole event; fields on later lines of it still count, as they are small and the id matters.
      eventOversize = true;
      clearData();
      resetLine();
      return;
    }
    if (lineLength == 0) {
      dispatch();
      return;
    }
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    int bytes = lineLength;
    resetLine();
    if (firstLine) {
      firstLine = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    if (text.startsWith(":")) {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (!eventOversize) {
          data.append(value).append('\n');
          dataBytes += bytes + 1;
        }
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.length() <= 12 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          retryMillis = Long.parseLong(value);
        }
      }
      default -> { } // unknown fields are ignored by the standard
    }
  }

  private void dispatch() {
    firstLine = false;
    if (eventOversize) {
      eventOversize = false;
      eventType = "";
      handler.onOversize(maxEventBytes);
      return;
    }
    if (data.length() == 0) {
      eventType = "";
      return;
    }
    data.setLength(data.length() - 1);
    Event event = new Event(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId);
    clearData();
    eventType = "";
    handler.onEvent(event);
  }

  private void clearData() {
    data.setLength(0);
    dataBytes = 0;
    if (data.capacity() > 65536) {
      data.trimToSize(); // give back the memory of one huge event
    }
  }

  private void resetLine() {
    lineLength = 0;
    lineTooLong = false;
    if (line.length > 4096) {
      line = new byte[256]; // give back the memory of one huge line
    }
  }
}
