package dev.concierge.client;

/** Concierge's version, reported as {@code clientInfo.version} and {@code serverInfo.version}. */
public final class Version {
  public static final String CURRENT = "0.1.0";

  private Version() {}
}
