package dev.concierge.gateway.mcp;

import java.util.List;

/** The RFC 5424 severities MCP logging uses, least to most severe. */
final class LogLevels {
  static final List<String> ORDER = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
      "emergency");

  private LogLevels() {}

  static boolean isValid(String level) {
    return ORDER.contains(level);
  }

  /** Whether a message at {@code level} reaches a client that chose {@code threshold} ({@code null}: everything). */
  static boolean passes(String level, String threshold) {
    if (threshold == null) {
      return true;
    }
    int l = ORDER.indexOf(level);
    return l < 0 || l >= ORDER.indexOf(threshold);
  }
}
