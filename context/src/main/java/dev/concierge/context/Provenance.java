package dev.concierge.context;

/**
 * Where a memory came from: the server and tool of the call that produced it, the session, and the client. Any part
 * may be {@code null} (a fact the user typed on the command line has no server).
 */
public record Provenance(String server, String tool, String session, String client) {
  public static final Provenance NONE = new Provenance(null, null, null, null);
}
