package dev.concierge.client;

import java.util.Map;

/**
 * HTTP headers computed for each request, e.g. a bearer token for the user in {@link CallOrigin#context()}. Called on
 * the calling thread before every HTTP request to that server, including the handshake (with an empty context).
 * Values are never logged.
 */
@FunctionalInterface
public interface HeaderSupplier {
  Map<String, String> headers(CallOrigin origin);
}
