package dev.concierge.client;

/** The library's version, reported as {@code clientInfo.version}. */
final class Version {
  static final String CURRENT = "0.1.0";

  private Version() {}
}
