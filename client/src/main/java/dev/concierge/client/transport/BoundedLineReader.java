package dev.concierge.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code \n}-terminated UTF-8 lines from a byte stream while never holding more than a fixed number of bytes,
 * so a server that writes a gigabyte without a newline cannot exhaust the client's memory.
 *
 * <p>{@link java.io.BufferedReader#readLine} has no such bound, which is why stdio framing does not use it. Not thread
 * safe: one reader thread owns an instance.
 */
final class BoundedLineReader {
  /** Buffers above this size are dropped after use so one large message does not pin memory for the session. */
  private static final int KEEP_BUFFER_BYTES = 1 << 20;
  private static final int INITIAL_BUFFER_BYTES = 8 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[INITIAL_BUFFER_BYTES];
  private int chunkPos;
  private int chunkEnd;
  private byte[] line;
  private int lineLength;

  /** Thrown after a line over the limit has been skipped up to its end; the reader stays usable. */
  static final class LineTooLongException extends IOException {
    LineTooLongException(int maxLineBytes) {
      super("line over " + maxLineBytes + " bytes");
    }
  }

  BoundedLineReader(InputStream in, int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[Math.min(INITIAL_BUFFER_BYTES, maxLineBytes)];
  }

  /**
   * The next line without its {@code \n} (and a {@code \r} before it), or {@code null} at end of stream. A last line
   * without a newline is still returned. At most {@code maxLineBytes} bytes, not counting the {@code \n}, are accepted.
   *
   * @throws LineTooLongException for a longer line, once it has been consumed
   */
  String readLine() throws IOException {
    lineLength = 0;
    boolean oversize = false;
    while (true) {
      if (chunkPos == chunkEnd) {
        int n = in.read(chunk);
        if (n < 0) {
          if (oversize) {
            throw new LineTooLongException(maxLineBytes);
          }
          return lineLength == 0 ? null : takeLine();
        }
        chunkPos = 0;
        chunkEnd = n;
      }
      int newline = indexOfNewline();
      int end = newline < 0 ? chunkEnd : newline;
      if (!oversize) {
        oversize = !append(chunkPos, end - chunkPos);
      }
      chunkPos = newline < 0 ? chunkEnd : newline + 1;
      if (newline >= 0) {
        if (oversize) {
          throw new LineTooLongException(maxLineBytes);
        }
        return takeLine();
      }
    }
  }

  private int indexOfNewline() {
    for (int i = chunkPos; i < chunkEnd; i++) {
      if (chunk[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Appends to the current line; {@code false} (and the partial line dropped) when it would pass the limit. */
  private boolean append(int from, int count) {
    if (count > maxLineBytes - lineLength) {
      lineLength = 0;
      return false;
    }
    if (lineLength + count > line.length) {
      int capacity = (int) Math.min((long) maxLineBytes, Math.max(lineLength + count, 2L * line.length));
      byte[] bigger = new byte[capacity];
      System.arraycopy(line, 0, bigger, 0, lineLength);
      line = bigger;
    }
    System.arraycopy(chunk, from, line, lineLength, count);
    lineLength += count;
    return true;
  }

  private String takeLine() {
    int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
    String text = new String(line, 0, length, StandardCharsets.UTF_8);
    lineLength = 0;
    if (line.length > KEEP_BUFFER_BYTES) {
      line = new byte[INITIAL_BUFFER_BYTES];
    }
    return text;
  }
}
