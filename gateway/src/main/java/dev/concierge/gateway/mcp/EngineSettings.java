package dev.concierge.gateway.mcp;

import java.time.Duration;

/**
 * Limits and keys of a {@link ServerEngine}.
 *
 * @param maxSessionsPerPrincipal legacy sessions one principal may hold open at once
 * @param sessionIdle a legacy session with no request and no open stream for this long is closed
 * @param inputTtl how long a 2026-07-28 client has to answer an {@code input_required} before the waiting request
 *     is abandoned (and its {@code requestState} expires)
 * @param maxPendingInputsPerPrincipal requests of one principal that may wait for input at once
 * @param stateKey the HMAC key that signs {@code requestState} (at least 32 bytes)
 */
public record EngineSettings(int maxSessionsPerPrincipal, Duration sessionIdle, Duration inputTtl,
    int maxPendingInputsPerPrincipal, byte[] stateKey) {
  public static final int DEFAULT_MAX_SESSIONS = 32;
  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
  public static final Duration DEFAULT_INPUT_TTL = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_PENDING_INPUTS = 64;

  public static EngineSettings defaults(byte[] stateKey) {
    return new EngineSettings(DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE, DEFAULT_INPUT_TTL,
        DEFAULT_MAX_PENDING_INPUTS, stateKey);
  }
}
