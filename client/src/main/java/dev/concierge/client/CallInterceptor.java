package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Cross-cutting work around every request a {@link MultiServerMCPClient} sends on a caller's behalf (tool calls,
 * reads, prompt gets, completions): auth, redaction, logging, retries, metrics, context injection. Interceptors run
 * in the order they were added, on the calling thread; each may read or rewrite the call, short-circuit with its own
 * result, call {@link Chain#proceed} again to retry, and observe or rewrite the result.
 */
@FunctionalInterface
public interface CallInterceptor {
  /** Returns the JSON-RPC {@code result} object for the call (never {@code null}); throw to fail the call. */
  JsonNode intercept(Chain chain);

  /** The rest of the chain from one interceptor's point of view. */
  interface Chain {
    McpCall call();

    /** Sends {@code call} through the remaining interceptors and the server. It may not change the server. */
    JsonNode proceed(McpCall call);
  }
}
