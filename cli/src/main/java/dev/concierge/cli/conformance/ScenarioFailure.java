package dev.concierge.cli.conformance;

/** The mock server did not behave as the scenario expects; the client exits with a failure. */
final class ScenarioFailure extends RuntimeException {
  ScenarioFailure(String message) {
    super(message);
  }
}
