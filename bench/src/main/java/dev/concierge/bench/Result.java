package dev.concierge.bench;

/**
 * What one client achieved on one transport.
 *
 * @param transport {@code stdio} or {@code http}
 * @param client the client's display name
 * @param sequential one caller, one call at a time
 * @param concurrent several callers sharing the client
 * @param failure why the client could not be measured, or {@code null}
 */
record Result(String transport, String client, Stats sequential, Stats concurrent, String failure) {
  static Result failed(String transport, String client, Throwable e) {
    return new Result(transport, client, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  boolean ok() {
    return failure == null;
  }
}
