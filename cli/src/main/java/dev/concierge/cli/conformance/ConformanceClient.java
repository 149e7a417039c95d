package dev.concierge.cli.conformance;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.ProtocolVersion;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * The client under test of the MCP conformance suite, built on {@link MultiServerMCPClient} like any application:
 * one Streamable HTTP server (the suite's mock), pinned to the revision the suite runs, exposed under its own tool
 * names, with an elicitation handler that accepts with the schema's defaults. The scenario only chooses the requests
 * (see {@link Scenarios}); the library does everything the suite checks.
 *
 * <p>Runs once and closes the client, so the process can exit as soon as the scenario is done: some mock servers keep
 * their GET streams open forever.
 */
public final class ConformanceClient {
  private static final String SERVER = "conformance";
  /** Well inside the suite's per-scenario timeout, so a hung request is reported rather than killed. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String url;
  private final ScenarioEnvironment environment;
  private final PrintWriter out;
  private final PrintWriter err;

  /**
   * @param url the mock server's MCP endpoint, used exactly as given
   * @param out where requests and results are logged (the suite saves it)
   * @param err where failures are reported
   */
  public ConformanceClient(String url, ScenarioEnvironment environment, PrintWriter out, PrintWriter err) {
    this.url = url;
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  /** Runs the scenario; {@code true} when every request was answered as expected. */
  public boolean run() {
    // The suite runs dozens of clients at once. When its Node event loop stalls for seconds, its keep-alive timer can
    // reset a pooled connection just as the next POST goes out on it ("header parser received no bytes"). The JDK
    // retries such a request on a fresh connection only for idempotent methods unless told to; the mocks' requests
    // are safe to repeat. Read once, when the HTTP client first sends, so it must be set before that.
    System.setProperty("jdk.httpclient.enableAllMethodRetry", "true");
    String scenario = environment.scenario();
    long started = System.nanoTime();
    out.println("scenario " + (scenario.isEmpty() ? "(none)" : scenario) + (Scenarios.isKnown(scenario) ? ""
        : " (generic)") + ", protocol " + pinnedVersion() + ", url " + url);
    try (MultiServerMCPClient client = MultiServerMCPClient.builder()
        .server(ServerConfig.http(SERVER, url).protocol(pinnedVersion()).prefix("").requestTimeout(REQUEST_TIMEOUT)
            .build())
        .elicitation(SchemaSamples.acceptingElicitation())
        .build()) {
      ServerStatus status = client.start().get(0);
      out.println("connected: " + status.describe());
      if (status.error() != null) {
        throw new ScenarioFailure("could not connect: " + status.error());
      }
      Scenarios.forName(scenario).run(new ScenarioSteps(client, SERVER, environment, out));
      out.println("done in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
      return true;
    } catch (ScenarioFailure | McpException e) {
      err.println("conformance-client: " + scenario + ": " + e.getMessage());
      return false;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The suite's revision when the library knows it; otherwise the library detects one. */
  private String pinnedVersion() {
    String version = environment.protocolVersion();
    return version != null && ProtocolVersion.parse(version).isPresent() ? version : "auto";
  }
}
