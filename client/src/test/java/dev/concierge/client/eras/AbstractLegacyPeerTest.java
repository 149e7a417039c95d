package dev.concierge.client.eras;

/**
 * The contract for peers that only speak the legacy era: the client detects it (the {@code server/discover} probe
 * fails) and settles on 2025-11-25 through {@code initialize}; their server-to-client requests arrive as requests.
 */
abstract class AbstractLegacyPeerTest extends AbstractEraContractTest {
  @Override
  protected final String expectedEra() {
    return "legacy";
  }

  @Override
  protected final String expectedVersion() {
    return "2025-11-25";
  }
}
