/**
 * Launchers for the real peers the tests run against, shared with other modules through the client's test jar:
 * {@link dev.concierge.client.testing.NodePeers} finds the pinned Node binary and the npm peers,
 * {@link dev.concierge.client.testing.EverythingServer} runs {@code @modelcontextprotocol/server-everything} on any
 * transport, and {@link dev.concierge.client.testing.EverythingPeer} lets a test crash and revive it whoever owns the
 * process. Everything binds to loopback only and every process started here is killed with its tree on close.
 */
package dev.concierge.client.testing;
