package dev.concierge.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Extra {@code _meta} entries for each request made on a caller's behalf (for example a tenant id for an upstream
 * that understands it). Returned keys must follow the spec's {@code _meta} naming rules; reserved
 * {@code io.modelcontextprotocol/} keys are set by Concierge and are not overwritten.
 */
@FunctionalInterface
public interface MetaSupplier {
  ObjectNode meta(CallOrigin origin);
}
