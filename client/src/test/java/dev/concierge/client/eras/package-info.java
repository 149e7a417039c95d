/**
 * Both protocol eras, proved against independent peers: {@code MultiServerMCPClient} in {@code protocol: auto} (and
 * pinned) against servers written by others and by us, over stdio and Streamable HTTP.
 *
 * <p>Peers: {@link dev.concierge.client.eras.ModernTestServer} (ours, 2026-07-28 only, from the spec; Jetty core
 * over HTTP, a child JVM over stdio, with a {@code --misbehave} mode for bad input); the TypeScript SDK v2 peer
 * (2026-07-28 plus legacy fallback) and the SDK 1.x peer (legacy) in {@code testing/node/peers} ({@link
 * dev.concierge.client.eras.TsPeer}); the official Java SDK 2.1.0 ({@link dev.concierge.client.eras.JavaSdkPeerServer},
 * legacy). Every peer offers the same small surface ({@code echo}, {@code ask-name}, {@code slow}, a resource, a
 * template, a prompt), so one contract ({@link dev.concierge.client.eras.AbstractEraContractTest}) runs against each.
 *
 * <p>The modern test server is split by concern: {@code ModernDispatcher} (envelope checks, routing), {@code
 * ModernCatalog} (what it serves), the protocol module's {@code HeaderRules} (HTTP header/body validation), {@code
 * ListenHub} ({@code subscriptions/listen} streams), {@code RequestStateCodec}
 * (signed MRTR state), and the two bindings {@code ModernHttpHandler} and {@code ModernStdioServer}.
 */
package dev.concierge.client.eras;
