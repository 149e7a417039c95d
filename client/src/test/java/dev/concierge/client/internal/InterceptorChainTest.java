package dev.concierge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.CallInterceptor;
import dev.concierge.client.McpCall;
import dev.concierge.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {
  private final McpCall call = new McpCall("s", "tools/call", Json.object().put("name", "t"), CallContext.EMPTY, null);

  @Test
  void interceptorsRunInOrderAndMayRewriteCallAndResult() {
    List<String> seen = new ArrayList<>();
    CallInterceptor first = chain -> {
      seen.add("first:" + chain.call().name());
      JsonNode r = chain.proceed(chain.call().withParams(Json.object().put("name", "rewritten")));
      return ((com.fasterxml.jackson.databind.node.ObjectNode) r.deepCopy()).put("seenBy", "first");
    };
    CallInterceptor second = chain -> {
      seen.add("second:" + chain.call().name());
      return chain.proceed(chain.call());
    };
    JsonNode result = new InterceptorChain(List.of(first, second), call,
        c -> Json.object().put("name", c.name())).proceed(call);
    assertThat(seen).containsExactly("first:t", "second:rewritten");
    assertThat(result.get("name").asText()).isEqualTo("rewritten");
    assertThat(result.get("seenBy").asText()).isEqualTo("first");
  }

  @Test
  void anInterceptorMayShortCircuitOrRetry() {
    AtomicInteger terminalCalls = new AtomicInteger();
    CallInterceptor cache = chain -> Json.object().put("cached", true);
    assertThat(new InterceptorChain(List.of(cache), call, c -> {
      terminalCalls.incrementAndGet();
      return Json.object();
    }).proceed(call).get("cached").asBoolean()).isTrue();
    assertThat(terminalCalls).hasValue(0);

    CallInterceptor retry = chain -> {
      try {
        return chain.proceed(chain.call());
      } catch (RuntimeException e) {
        return chain.proceed(chain.call());
      }
    };
    JsonNode result = new InterceptorChain(List.of(retry), call, c -> {
      if (terminalCalls.incrementAndGet() == 1) {
        throw new IllegalStateException("transient");
      }
      return Json.object().put("ok", true);
    }).proceed(call);
    assertThat(result.get("ok").asBoolean()).isTrue();
    assertThat(terminalCalls).hasValue(2);
  }

  @Test
  void theChainChecksItsContract() {
    CallInterceptor returnsNull = chain -> null;
    assertThatThrownBy(() -> new InterceptorChain(List.of(returnsNull), call, c -> Json.object()).proceed(call))
        .hasMessageContaining("returned null");
    CallInterceptor moves = chain -> chain.proceed(new McpCall("other", "tools/call", null, null, null));
    assertThatThrownBy(() -> new InterceptorChain(List.of(moves), call, c -> Json.object()).proceed(call))
        .hasMessageContaining("must not move a call");
  }
}
