package dev.concierge.protocol;

/** The two live generations of MCP. */
public enum Era {
  /** 2025-11-25 and earlier: {@code initialize} handshake, sessions, server-to-client requests on streams. */
  LEGACY,
  /** 2026-07-28 and later: stateless requests with per-request {@code _meta}, {@code server/discover}, MRTR. */
  MODERN
}
