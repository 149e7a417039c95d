package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.CallInterceptor;
import dev.concierge.client.McpCall;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Runs interceptors in order, then the terminal step; checks that each keeps the chain's contract. */
public final class InterceptorChain implements CallInterceptor.Chain {
  private final List<CallInterceptor> interceptors;
  private final int index;
  private final McpCall call;
  private final Function<McpCall, JsonNode> terminal;

  public InterceptorChain(List<CallInterceptor> interceptors, McpCall call, Function<McpCall, JsonNode> terminal) {
    this(interceptors, 0, call, terminal);
  }

  private InterceptorChain(List<CallInterceptor> interceptors, int index, McpCall call,
      Function<McpCall, JsonNode> terminal) {
    this.interceptors = interceptors;
    this.index = index;
    this.call = call;
    this.terminal = terminal;
  }

  @Override
  public McpCall call() {
    return call;
  }

  @Override
  public JsonNode proceed(McpCall next) {
    Objects.requireNonNull(next, "call");
    if (!next.server().equals(call.server())) {
      throw new IllegalStateException("interceptor " + interceptors.get(index - 1).getClass().getName()
          + " must not move a call from server '" + call.server() + "' to '" + next.server() + "'");
    }
    if (index >= interceptors.size()) {
      return terminal.apply(next);
    }
    CallInterceptor interceptor = interceptors.get(index);
    JsonNode result = interceptor.intercept(new InterceptorChain(interceptors, index + 1, next, terminal));
    if (result == null) {
      throw new IllegalStateException("interceptor " + interceptor.getClass().getName() + " returned null");
    }
    return result;
  }
}
