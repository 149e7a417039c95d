package dev.concierge.client.internal;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.transport.McpTransport;

/** Creates the transport for a server; a seam so tests can wire a transport by hand. */
@FunctionalInterface
public interface TransportFactory {
  McpTransport create(ServerConfig config, ServerConfig.Transport kind);
}
