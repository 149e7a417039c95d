package dev.concierge.client;

/**
 * How one server is doing, as every aggregate answer reports it.
 *
 * @param name configured name
 * @param transport {@code stdio}, {@code http} or {@code sse} (what is in use, after any fallback)
 * @param connected whether a connection is up
 * @param era the protocol era, or {@code null} before the first connection
 * @param protocolVersion the negotiated version, or {@code null}
 * @param serverName the server's self-reported name, or {@code null}
 * @param toolCount tools it contributes after filters, or {@code -1} when not listed
 * @param error why it is not connected or why its last answer failed, or {@code null}
 */
public record ServerStatus(String name, String transport, boolean connected, String era, String protocolVersion,
    String serverName, int toolCount, String error) {
  /** One line for a terminal: name, transport, version, status, tool count. */
  public String describe() {
    String state = connected ? "connected" : "error";
    return name + "  " + transport + "  " + (protocolVersion == null ? "-" : protocolVersion) + "  " + state
        + "  " + (toolCount < 0 ? "-" : toolCount + " tools") + (error == null ? "" : "  " + error);
  }
}
