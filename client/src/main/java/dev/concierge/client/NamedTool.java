package dev.concierge.client;

import dev.concierge.protocol.model.Tool;

/**
 * A tool of the aggregate.
 *
 * @param name the exposed name (what an LLM sees and {@link MultiServerMCPClient#callTool} takes)
 * @param server the configured server that owns it
 * @param originalName the server's own name for it
 * @param tool the definition as the server sent it, unknown fields included, under the exposed name
 */
public record NamedTool(String name, String server, String originalName, Tool tool) {}
