package dev.concierge.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.Principal;
import java.util.concurrent.CompletableFuture;

/**
 * What an MCP server does, independent of transport and era: the {@link ServerEngine} speaks the protocol (handshake,
 * sessions, {@code _meta} envelopes, multi round-trip input, streams) and hands each request's substance here.
 *
 * <p>The engine itself answers {@code initialize}, {@code server/discover}, {@code ping}, {@code logging/setLevel}
 * and {@code subscriptions/listen}; every other request reaches {@link #handle}.
 */
public interface McpHandler {
  /** Name, version, instructions and capabilities the server declares to {@code principal}. */
  ServerDescription describe(Principal principal);

  /**
   * Answers one request. The future holds the {@code result} object, or fails with a
   * {@link dev.concierge.protocol.McpException} whose code and message go to the client; any other failure becomes
   * an internal error whose details stay in the log. Input from the client (elicitation, sampling, roots) is asked
   * through {@link Exchange#ask}, in either era.
   */
  CompletableFuture<ObjectNode> handle(Exchange exchange);

  /**
   * The input schema of a tool the principal may call, or {@code null}: the HTTP binding checks the 2026-07-28
   * {@code Mcp-Param-*} headers of its {@code x-mcp-header} properties against the arguments.
   */
  default com.fasterxml.jackson.databind.JsonNode inputSchema(Principal principal, String tool) {
    return null;
  }

  /** A legacy session subscribed to a resource; the handler should make sure updates for it will come. */
  default void subscribed(Principal principal, String uri) {}

  /** No session is subscribed to {@code uri} any more. */
  default void unsubscribed(Principal principal, String uri) {}
}
