package dev.concierge.gateway.mcp;

import java.util.List;

/** The RFC 5424 severities MCP logging uses, least to most severe. */
final class LogLevels {
  static final List<String> ORDER = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
      "emergency");

  /** The threshold of a 2026-07-28 request that set no {@code logLevel}: such a client gets no log messages. */
  static final String NONE = "none";

  private LogLevels() {}

  static boolean isValid(String level) {
    return ORDER.contains(level);
  }

  /** Whether a message at {@code level} reaches a client that chose {@code threshold} ({@code null}: everything). */
  static boolean passes(String level, String threshold) {
    if (threshold == null) {
      return true;
    }
    if (NONE.equals(threshold)) {
      return false;
    }
    int l = ORDER.indexOf(level);
    return l < 0 || l >= ORDER.indexOf(threshold);
  }
}
