package dev.concierge.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The most recent bytes a server wrote to stderr, in a fixed-size ring. Draining stderr matters more than keeping it:
 * a child whose stderr pipe fills up blocks on its next log line and stops answering, so the drain never stops and a
 * chatty server costs bounded memory. Thread safe.
 */
final class StderrLog {
  private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\n]]");

  private final byte[] ring;
  private long written;

  StderrLog(int capacityBytes) {
    if (capacityBytes < 1) {
      throw new IllegalArgumentException("stderr capacity must be positive, was " + capacityBytes);
    }
    this.ring = new byte[capacityBytes];
  }

  /** Copies {@code stderr} into the log until it ends or fails; then closes it. */
  void drain(InputStream stderr) {
    byte[] buffer = new byte[4096];
    try (stderr) {
      int n;
      while ((n = stderr.read(buffer)) >= 0) {
        append(buffer, 0, n);
      }
    } catch (IOException e) {
      // The pipe was closed because the process is gone; what was read so far is all there is.
    }
  }

  synchronized void append(byte[] bytes, int offset, int length) {
    if (length > ring.length) {
      offset += length - ring.length;
      written += length - ring.length;
      length = ring.length;
    }
    int position = (int) (written % ring.length);
    int first = Math.min(length, ring.length - position);
    System.arraycopy(bytes, offset, ring, position, first);
    System.arraycopy(bytes, offset + first, ring, 0, length - first);
    written += length;
  }

  /** Everything still in the ring, decoded as UTF-8. */
  synchronized String tail() {
    if (written <= ring.length) {
      return new String(ring, 0, (int) written, StandardCharsets.UTF_8);
    }
    int position = (int) (written % ring.length);
    byte[] ordered = new byte[ring.length];
    System.arraycopy(ring, position, ordered, 0, ring.length - position);
    System.arraycopy(ring, 0, ordered, ring.length - position, position);
    int start = 0;
    while (start < ordered.length && (ordered[start] & 0xC0) == 0x80) {
      start++; // the ring cut a multi-byte character; skip its orphaned continuation bytes
    }
    return new String(ordered, start, ordered.length - start, StandardCharsets.UTF_8);
  }

  /**
   * The last lines of the log on one line, at most {@code maxChars} long, for an exception message: colour codes and
   * control characters removed, line breaks shown as {@code " | "}. Kept short because stderr may hold anything.
   */
  String lastLines(int maxChars) {
    String text = CONTROL.matcher(ANSI_ESCAPE.matcher(tail()).replaceAll("")).replaceAll(" ").strip();
    if (text.length() > maxChars) {
      text = text.substring(text.length() - maxChars);
      int lineStart = text.indexOf('\n');
      if (lineStart >= 0 && lineStart < text.length() - 1) {
        text = text.substring(lineStart + 1); // start at a line boundary rather than mid-sentence
      }
    }
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + " | " + b).orElse("");
  }
}
