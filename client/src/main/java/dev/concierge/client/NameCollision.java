package dev.concierge.client;

import java.util.List;

/**
 * Several tools (or prompts) wanted the same exposed name. The first in (server, original name) order keeps it; the
 * others get a suffix of 8 hex digits of their {@code server/name}, so the outcome never depends on which server
 * answered first.
 *
 * @param wanted the contested name
 * @param owners {@code server/originalName -> exposed name}, in resolution order
 */
public record NameCollision(String wanted, List<String> owners) {}
