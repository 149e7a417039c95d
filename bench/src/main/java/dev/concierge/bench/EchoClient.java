package dev.concierge.bench;

/**
 * One client under test, connected to its own server-everything, able to make one echo call at a time per thread.
 * Implementations check the answer, so a client that returns garbage fast cannot win.
 */
interface EchoClient extends AutoCloseable {
  /** Calls the {@code echo} tool with {@code message} and fails unless the answer is {@code "Echo: " + message}. */
  void echo(String message) throws Exception;

  /** Closes the client and ends its server; failures are the client's own business, not the benchmark's. */
  @Override
  void close();

  /** Throws when an echo answer is not the expected one. */
  static void check(String message, String answer) {
    if (!("Echo: " + message).equals(answer)) {
      throw new IllegalStateException("echo of '" + message + "' answered '" + answer + "'");
    }
  }

  /** The first {@code "text":"..."} value, by string search: the echo server's answer has one, without escapes. */
  static String firstText(String json) {
    int start = json.indexOf("\"text\":\"");
    if (start < 0) {
      return null;
    }
    start += 8;
    return json.substring(start, json.indexOf('"', start));
  }
}
