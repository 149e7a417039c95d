package dev.concierge.client.everything;

import static dev.concierge.client.everything.ClientEvents.at;
import static dev.concierge.client.everything.ClientEvents.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallContext;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.Listing;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedPrompt;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerResource;
import dev.concierge.client.ServerStatus;
import dev.concierge.client.testing.EverythingPeer;
import dev.concierge.client.testing.NodePeers;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.protocol.model.CompleteResult;
import dev.concierge.protocol.model.Content;
import dev.concierge.protocol.model.GetPromptResult;
import dev.concierge.protocol.model.ReadResourceResult;
import dev.concierge.protocol.model.ResourceContents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The client's contract, proved against the real {@code @modelcontextprotocol/server-everything} over one transport;
 * subclasses say which ({@link #startPeer}). Everything goes through the public API: {@link MultiServerMCPClient},
 * {@link ServerConfig}, the handlers, {@link CallContext} and interceptors.
 *
 * <p>One server and one client are shared by the class (tests that crash a server get their own). Tests do not depend
 * on one another's order; state a test creates on the server (a session resource, a subscription) has a unique name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class AbstractEverythingContractTest {
  /** The name the shared server is configured under; its tools are exposed as {@code everything__<tool>}. */
  protected static final String SERVER = "everything";
  protected static final Duration WAIT = Duration.ofSeconds(30);
  /** Tools everything registers for a client that declares sampling, elicitation (form + url) and roots. */
  protected static final int TOOL_COUNT = 17;
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String REWRITE = "contract.rewrite-message";

  protected final ClientEvents events = new ClientEvents();
  protected EverythingPeer peer;
  protected MultiServerMCPClient client;
  protected List<ServerStatus> startStatuses;
  private Path captureFile;

  /**
   * Starts a server-everything for this transport.
   *
   * @param captureFile where it records the requests it reads (see {@code EverythingServer.capturePreload()}), or
   *     {@code null}
   */
  protected abstract EverythingPeer startPeer(Path captureFile);

  /** The transport as {@link ServerStatus#transport()} names it. */
  protected abstract String transportName();

  /**
   * Whether notifications the server sends while the handshake completes reach the client. Over Streamable HTTP they
   * do not: the server sends them before the client could open its GET stream, and no spec rule replays them.
   */
  protected boolean seesNotificationsSentDuringHandshake() {
    return true;
  }

  @BeforeAll
  void startSharedServer() throws IOException {
    Assumptions.assumeTrue(NodePeers.available(), "npm test peers not installed (testing/node/install.sh)");
    captureFile = Files.createTempFile("concierge-everything-" + transportName() + "-", ".jsonl");
    peer = startPeer(captureFile);
    client = newClient(b -> b.server(peer.config(SERVER).build()));
    startStatuses = client.start();
  }

  @AfterAll
  void stopSharedServer() throws IOException {
    if (client != null) {
      client.close();
    }
    if (peer != null) {
      peer.close();
    }
    if (captureFile != null) {
      Files.deleteIfExists(captureFile);
    }
  }

  /** A client with the recording handlers and an interceptor that records calls and can rewrite an echo. */
  protected MultiServerMCPClient newClient(Consumer<MultiServerMCPClient.Builder> servers) {
    MultiServerMCPClient.Builder builder = events.install(MultiServerMCPClient.builder())
        .clientInfo("concierge-contract-test", "1.0.0")
        .interceptor(chain -> {
          events.intercepted.add(chain.call());
          Object replacement = chain.call().context().attribute(REWRITE).orElse(null);
          if (replacement == null) {
            return chain.proceed(chain.call());
          }
          ObjectNode params = chain.call().params().deepCopy();
          ((ObjectNode) params.get("arguments")).put("message", replacement.toString());
          return chain.proceed(chain.call().withParams(params));
        });
    servers.accept(builder);
    return builder.build();
  }

  protected CallToolResult call(String tool, Map<String, ?> arguments) {
    return client.callTool(SERVER + "__" + tool, arguments);
  }

  // --- connection -------------------------------------------------------------------------------------------------

  @Test
  void startConnectsInTheLegacyEraAtTheNewestLegacyVersion() {
    assertThat(startStatuses).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo(SERVER);
      assertThat(s.connected()).as(s.describe()).isTrue();
      assertThat(s.error()).isNull();
      assertThat(s.transport()).isEqualTo(transportName());
      assertThat(s.era()).isEqualTo("legacy");
      assertThat(s.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(s.serverName()).isEqualTo("mcp-servers/everything");
    });
    Listing<NamedTool> tools = client.listTools();
    assertThat(tools.items()).hasSize(TOOL_COUNT);
    assertThat(client.servers()).singleElement().satisfies(s -> assertThat(s.toolCount()).isEqualTo(TOOL_COUNT));
  }

  @Test
  void toolListIsByteForByteTheSameForEveryClient() {
    Listing<NamedTool> first = client.listTools();
    assertThat(first.items()).extracting(NamedTool::name).contains("everything__echo", "everything__get-sum",
        "everything__trigger-sampling-request", "everything__trigger-elicitation-request");
    assertThat(first.items()).allSatisfy(t -> {
      assertThat(t.server()).isEqualTo(SERVER);
      assertThat(t.tool().name()).isEqualTo(t.name());
    });
    assertThat(first.complete()).isTrue();
    try (MultiServerMCPClient other = newClient(b -> b.server(peer.config(SERVER).build()))) {
      assertThat(serialized(other.listTools())).isEqualTo(serialized(first));
    }
  }

  private static String serialized(Listing<NamedTool> tools) {
    ArrayNode array = Json.array();
    tools.items().forEach(t -> array.add(t.tool().toJson()));
    return Json.write(array);
  }

  // --- tools ------------------------------------------------------------------------------------------------------

  @Test
  void echoAnswersExactly() {
    CallToolResult result = call("echo", Map.of("message", "hi"));
    assertThat(result.isError()).isFalse();
    assertThat(result.content()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Content.Kind.TEXT);
      assertThat(c.text()).isEqualTo("Echo: hi");
    });
  }

  @Test
  void everyContentKindArrivesIntact() {
    CallToolResult image = call("get-tiny-image", Map.of());
    assertThat(image.content()).filteredOn(c -> c.kind() == Content.Kind.IMAGE).singleElement().satisfies(c -> {
      assertThat(c.mimeType()).isEqualTo("image/png");
      assertThat(c.data()).startsWith("iVBOR");
    });

    CallToolResult links = call("get-resource-links", Map.of("count", 2));
    assertThat(links.content()).filteredOn(c -> c.kind() == Content.Kind.RESOURCE_LINK).hasSize(2)
        .allSatisfy(c -> assertThat(c.uri()).startsWith("demo://resource/dynamic/"));

    CallToolResult reference = call("get-resource-reference", Map.of("resourceType", "Text", "resourceId", 1));
    assertThat(reference.content()).filteredOn(c -> c.kind() == Content.Kind.RESOURCE).singleElement()
        .satisfies(c -> {
          assertThat(c.resource().uri()).isEqualTo("demo://resource/dynamic/text/1");
          assertThat(c.resource().text()).startsWith("Resource 1:");
        });

    CallToolResult structured = call("get-structured-content", Map.of("location", "New York"));
    assertThat(structured.structuredContent()).isNotNull();
    assertThat(structured.structuredContent().has("temperature")).isTrue();
    assertThat(Json.parse(structured.content().get(0).text())).isEqualTo(structured.structuredContent());

    CallToolResult annotated = call("get-annotated-message", Map.of("messageType", "error"));
    assertThat(annotated.content().get(0).text()).isEqualTo("Error: Operation failed");
    ObjectNode annotations = annotated.content().get(0).annotations();
    assertThat(annotations.get("priority").asDouble()).isEqualTo(1.0);
    assertThat(annotations.get("audience")).extracting(JsonNode::asText).contains("user", "assistant");
  }

  @Test
  void aFailingToolIsAResultNotAnException() {
    CallToolResult result = client.callTool("everything__echo", Map.of());
    assertThat(result.isError()).isTrue();
    assertThat(result.text()).contains("-32602");
  }

  @Test
  void progressReachesTheListenerWithItsCall() {
    CallContext context = CallContext.forUser("progress-" + UUID.randomUUID());
    CallToolResult result = client.callTool(SERVER + "__trigger-long-running-operation",
        Json.object().put("duration", 0.3).put("steps", 3), context, null);
    assertThat(result.text()).startsWith("Long running operation completed.");
    List<ClientEvents.Progress> mine = events.progress.stream().filter(p -> p.origin().context().equals(context))
        .toList();
    assertThat(mine).extracting(ClientEvents.Progress::progress).containsExactly(1.0, 2.0, 3.0);
    assertThat(mine).allSatisfy(p -> {
      assertThat(p.total()).isEqualTo(3.0);
      assertThat(p.origin().server()).isEqualTo(SERVER);
      assertThat(p.origin().method()).isEqualTo("tools/call");
      assertThat(p.origin().name()).isEqualTo("trigger-long-running-operation");
    });
  }

  @Test
  void samplingIsAnsweredByTheSamplingHandler() {
    CallToolResult result = call("trigger-sampling-request", Map.of("prompt", "ping", "maxTokens", 20));
    assertThat(result.isError()).isFalse();
    assertThat(result.text()).contains(ClientEvents.SAMPLED_TEXT).contains("contract-test-model");
    ClientEvents.ServerRequest request = await(events.samplings,
        r -> "Resource trigger-sampling-request context: ping".equals(at(r.params(), "/messages/0/content/text")),
        WAIT, "sampling request");
    assertThat(request.params().get("maxTokens").asInt()).isEqualTo(20);
    assertThat(request.origin().server()).isEqualTo(SERVER);
    assertThat(request.origin().name()).isEqualTo("trigger-sampling-request");
  }

  @Test
  void elicitationIsAnsweredByTheElicitationHandler() {
    CallToolResult result = call("trigger-elicitation-request", Map.of());
    assertThat(result.isError()).isFalse();
    assertThat(result.content().get(0).text()).isEqualTo("✅ User provided the requested information!");
    assertThat(result.text()).contains("- Name: " + ClientEvents.ELICITED_NAME);
    ClientEvents.ServerRequest request = await(events.elicitations,
        r -> r.params().has("requestedSchema"), WAIT, "elicitation request");
    assertThat(request.params().at("/requestedSchema/required/0").asText()).isEqualTo("name");
    assertThat(request.origin().name()).isEqualTo("trigger-elicitation-request");
  }

  @Test
  void rootsAreListedFromTheRootsProvider() {
    CallToolResult result = call("get-roots-list", Map.of());
    assertThat(result.text()).contains(ClientEvents.ROOT_URI);
  }

  // --- resources --------------------------------------------------------------------------------------------------

  @Test
  void resourcesAreListedAndReadAsTextOrBlob() {
    Listing<ServerResource.Item> resources = client.listResources();
    assertThat(resources.items()).extracting(i -> i.resource().uri())
        .contains("demo://resource/static/document/architecture.md", "demo://resource/static/document/features.md");
    assertThat(resources.items()).allSatisfy(i -> assertThat(i.server()).isEqualTo(SERVER));

    ReadResourceResult doc = client.readResource("demo://resource/static/document/features.md", CallContext.EMPTY);
    assertThat(doc.contents()).singleElement().satisfies(c -> {
      assertThat(c.mimeType()).isEqualTo("text/markdown");
      assertThat(c.text()).isNotBlank();
    });

    ReadResourceResult text = client.readResource(SERVER, "demo://resource/dynamic/text/3", CallContext.EMPTY);
    assertThat(text.contents()).singleElement().extracting(ResourceContents::text).asString()
        .startsWith("Resource 3: This is a plaintext resource");

    ReadResourceResult blob = client.readResource(SERVER, "demo://resource/dynamic/blob/2", CallContext.EMPTY);
    assertThat(blob.contents()).singleElement().satisfies(c -> {
      assertThat(c.text()).isNull();
      assertThat(java.util.Base64.getDecoder().decode(c.blob())).isNotEmpty();
    });
  }

  @Test
  void readResourceRoutesByUriThroughTemplates() {
    Listing<ServerResource.Template> templates = client.listResourceTemplates();
    assertThat(templates.items()).extracting(t -> t.template().uriTemplate())
        .containsExactly("demo://resource/dynamic/blob/{resourceId}", "demo://resource/dynamic/text/{resourceId}");
    ReadResourceResult routed = client.readResource("demo://resource/dynamic/text/7", CallContext.EMPTY);
    assertThat(routed.contents().get(0).uri()).isEqualTo("demo://resource/dynamic/text/7");
    assertThatThrownBy(() -> client.readResource("demo://nowhere/1", CallContext.EMPTY))
        .isInstanceOf(McpClientException.class).hasMessageContaining("demo://nowhere/1");
  }

  @Test
  void subscribedResourceUpdatesReachTheChangeListener() {
    String uri = "demo://resource/dynamic/text/" + (1000 + (int) (Math.random() * 100000));
    client.subscribe(SERVER, uri);
    call("toggle-subscriber-updates", Map.of());
    try {
      await(events.changes, c -> c.server().equals(SERVER) && "notifications/resources/updated".equals(c.what())
          && uri.equals(c.uri()), WAIT, "resources/updated for " + uri);
    } finally {
      call("toggle-subscriber-updates", Map.of());
      client.unsubscribe(SERVER, uri);
    }
  }

  @Test
  void resourceListChangesReachTheListenerAndRefreshTheList() {
    client.listResources(); // cached from here on
    String name = "contract-" + UUID.randomUUID() + ".gz";
    CallToolResult made = call("gzip-file-as-resource",
        Map.of("name", name, "data", "data:text/plain;base64,aGVsbG8gd29ybGQ=", "outputType", "resourceLink"));
    assertThat(made.isError()).as(made.text()).isFalse();
    String uri = "demo://resource/session/" + name;
    await(events.changes, c -> c.server().equals(SERVER) && "notifications/resources/list_changed".equals(c.what()),
        WAIT, "resources/list_changed");
    ClientEvents.eventually(() -> client.listResources().items().stream()
        .anyMatch(r -> uri.equals(r.resource().uri())), WAIT, uri + " in the resource list");
    ReadResourceResult gz = client.readResource(uri, CallContext.EMPTY);
    assertThat(gz.contents().get(0).blob()).startsWith("H4sI"); // gzip magic, base64
  }

  @Test
  void toolListChangesDuringTheHandshakeReachTheListener() {
    Assumptions.assumeTrue(seesNotificationsSentDuringHandshake(), "this transport cannot deliver them");
    await(events.changes, c -> c.server().equals(SERVER) && "notifications/tools/list_changed".equals(c.what()),
        WAIT, "tools/list_changed from the conditional tool registration");
  }

  // --- prompts and completion -------------------------------------------------------------------------------------

  @Test
  void promptsAreListedAndRenderedWithArguments() {
    Listing<NamedPrompt> prompts = client.listPrompts();
    assertThat(prompts.items()).extracting(NamedPrompt::originalName)
        .contains("simple-prompt", "args-prompt", "completable-prompt", "resource-prompt");
    NamedPrompt args = prompts.items().stream().filter(p -> p.originalName().equals("args-prompt")).findFirst()
        .orElseThrow();
    assertThat(args.name()).isEqualTo("everything__args-prompt");
    assertThat(args.prompt().arguments()).extracting(a -> a.name() + ":" + a.required())
        .contains("city:true");

    GetPromptResult rendered = client.getPrompt(args.name(), Map.of("city", "Paris"), CallContext.EMPTY);
    assertThat(rendered.messages()).singleElement().satisfies(m -> {
      assertThat(m.role()).isEqualTo("user");
      assertThat(m.content().text()).isEqualTo("What's weather in Paris?");
    });
    GetPromptResult simple = client.getPrompt("everything__simple-prompt", Map.of(), CallContext.EMPTY);
    assertThat(simple.messages().get(0).content().text()).isEqualTo("This is a simple prompt without arguments.");
  }

  @Test
  void completionsComeFromTheServer() {
    CompleteResult department = client.completePrompt("everything__completable-prompt", "department", "E", Map.of());
    assertThat(department.values()).containsExactly("Engineering");
    CompleteResult names = client.completePrompt("everything__completable-prompt", "name", "",
        Map.of("department", "Engineering"));
    assertThat(names.values()).containsExactly("Alice", "Bob", "Charlie");
    CompleteResult id = client.completeResourceTemplate("demo://resource/dynamic/text/{resourceId}", "resourceId",
        "3", Map.of());
    assertThat(id.values()).containsExactly("3");
  }

  // --- interceptors and context -----------------------------------------------------------------------------------

  @Test
  void interceptorsSeeAndRewriteCallsAndTraceContextReachesTheServer() throws IOException {
    String marker = "original-" + UUID.randomUUID();
    CallContext context = CallContext.forUser("alice").withTrace(TRACEPARENT, "vendor=contract")
        .withAttribute(REWRITE, "rewritten-" + marker);
    CallToolResult result = client.callTool("everything__echo", Json.object().put("message", marker), context, null);
    assertThat(result.text()).isEqualTo("Echo: rewritten-" + marker);

    assertThat(events.intercepted).filteredOn(c -> marker.equals(at(c.params(), "/arguments/message")))
        .singleElement().satisfies(c -> {
          assertThat(c.server()).isEqualTo(SERVER);
          assertThat(c.method()).isEqualTo("tools/call");
          assertThat(c.name()).isEqualTo("echo");
          assertThat(c.context().userId()).isEqualTo("alice");
          assertThat(c.context().traceparent()).isEqualTo(TRACEPARENT);
        });

    JsonNode onTheWire = await(capturedRequests(), r -> ("rewritten-" + marker).equals(
        at(r, "/params/arguments/message")), Duration.ZERO, "the rewritten tools/call in " + captureFile);
    assertThat(onTheWire.at("/params/_meta/traceparent").asText()).isEqualTo(TRACEPARENT);
    assertThat(onTheWire.at("/params/_meta/tracestate").asText()).isEqualTo("vendor=contract");
  }

  private List<JsonNode> capturedRequests() throws IOException {
    return Files.readAllLines(captureFile).stream().filter(l -> !l.isBlank()).map(Json::parse).toList();
  }

  // --- failures ---------------------------------------------------------------------------------------------------

  @Test
  void aServerKilledMidCallFailsThatCallAndTheNextCallReconnects() throws Exception {
    try (EverythingPeer crashy = startPeer(null)) {
      CountDownLatch running = new CountDownLatch(1);
      try (MultiServerMCPClient own = newClient(b -> b.server(crashy.config("crashy").build())
          .onProgress((origin, progress, total, message) -> running.countDown()))) {
        assertThat(own.start()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
        CompletableFuture<?> call = own.callToolAsync("crashy__trigger-long-running-operation",
            Json.object().put("duration", 120).put("steps", 240), CallContext.EMPTY, Duration.ofMinutes(5));
        assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("first progress").isTrue();

        long crashedAt = System.nanoTime();
        crashy.crash();
        Throwable failure = catchThrowable(() -> call.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOf(ConnectionClosedException.class);
        assertThat(((McpClientException) failure.getCause()).server()).isEqualTo("crashy");
        assertThat(failedAfterMillis).as("failed promptly, not at the call's timeout").isLessThan(20_000);

        crashy.recover();
        assertThat(own.callTool("crashy__echo", Map.of("message", "again")).text()).isEqualTo("Echo: again");
        assertThat(own.servers()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
      }
    }
  }

  @Test
  void oneFailingServerNeverFailsTheOthers() throws IOException {
    ServerConfig bogus = ServerConfig.stdio("bogus", "/nonexistent/concierge-no-such-server").build();
    ServerConfig nobody = ServerConfig.http("nobody", "http://127.0.0.1:" + freePort() + "/mcp").build();
    try (MultiServerMCPClient mixed = newClient(b -> b.server(peer.config(SERVER).build()).server(bogus)
        .server(nobody))) {
      List<ServerStatus> started = mixed.start();
      assertThat(started).extracting(ServerStatus::name).containsExactly(SERVER, "bogus", "nobody");
      assertThat(started.get(0).connected()).isTrue();
      assertThat(started.subList(1, 3)).allSatisfy(s -> {
        assertThat(s.connected()).isFalse();
        assertThat(s.error()).isNotBlank();
      });

      Listing<NamedTool> tools = mixed.listTools();
      assertThat(tools.items()).hasSize(TOOL_COUNT).allSatisfy(t -> assertThat(t.server()).isEqualTo(SERVER));
      assertThat(tools.complete()).isFalse();
      assertThat(tools.servers()).filteredOn(s -> !s.name().equals(SERVER)).hasSize(2)
          .allSatisfy(s -> assertThat(s.error()).isNotBlank());
      assertThat(tools.servers().get(0).error()).isNull();
      assertThat(mixed.callTool("everything__echo", Map.of("message", "still here")).text())
          .isEqualTo("Echo: still here");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
