package dev.concierge.client;

import java.util.Map;
import java.util.Optional;

/**
 * Who a call is made for and where it belongs in a trace. Interceptors, header suppliers and {@code _meta} suppliers
 * see it; W3C {@code traceparent}/{@code tracestate} go into the request's {@code _meta} when present.
 *
 * @param userId the end user the call acts for, or {@code null}
 * @param sessionId the caller's conversation or session, or {@code null}
 * @param traceparent W3C trace context of the caller's span, or {@code null}
 * @param tracestate W3C vendor trace state, or {@code null}
 * @param attributes free-form values for interceptors (never sent anywhere by Concierge itself)
 */
public record CallContext(String userId, String sessionId, String traceparent, String tracestate,
    Map<String, Object> attributes) {
  /**
   * An attribute for proxies that relay 2026-07-28 multi round-trip requests themselves: when it is {@code true}, an
   * {@code input_required} result is handed back as it is (the caller gets the questions and retries with their
   * answers and the {@code requestState}), and the client capabilities the caller put in the params' {@code _meta}
   * are sent instead of this client's own, so the server asks only what the caller's own client can answer.
   */
  public static final String RELAY_INPUT_REQUIRED = "dev.concierge/relay-input-required";

  /** No user, no session, no trace. */
  public static final CallContext EMPTY = new CallContext(null, null, null, null, Map.of());

  public CallContext {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    if (traceparent != null && !traceparent.matches("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
      throw new IllegalArgumentException("traceparent is not a W3C trace context header value");
    }
  }

  public static CallContext forUser(String userId) {
    return new CallContext(userId, null, null, null, Map.of());
  }

  public CallContext withSession(String id) {
    return new CallContext(userId, id, traceparent, tracestate, attributes);
  }

  public CallContext withTrace(String parent, String state) {
    return new CallContext(userId, sessionId, parent, state, attributes);
  }

  public CallContext withAttribute(String key, Object value) {
    java.util.HashMap<String, Object> copy = new java.util.HashMap<>(attributes);
    copy.put(key, value);
    return new CallContext(userId, sessionId, traceparent, tracestate, copy);
  }

  public Optional<Object> attribute(String key) {
    return Optional.ofNullable(attributes.get(key));
  }
}
