package dev.concierge.client;

import dev.concierge.protocol.model.Prompt;

/**
 * A prompt of the aggregate, named like tools.
 *
 * @param name the exposed name
 * @param server the configured server that owns it
 * @param originalName the server's own name for it
 * @param prompt the definition under the exposed name
 */
public record NamedPrompt(String name, String server, String originalName, Prompt prompt) {}
