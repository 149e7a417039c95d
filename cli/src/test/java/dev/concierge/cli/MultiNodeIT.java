package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.everything.ClientEvents;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.client.testing.NodePeers;
import dev.concierge.context.TestPostgres;
import dev.concierge.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode as an operator runs it: three {@code concierge serve} processes sharing one PostgreSQL, behind a
 * plain round-robin balancer (no session affinity), clients of both eras sending each request to the next node in
 * turn, and one node killed with SIGKILL in the middle of the run.
 */
class MultiNodeIT {
  /** An API key issued in the shared database (`concierge users add --store jdbc:...`): every node accepts it. */
  private String key;
  private static final Duration CALL_LIMIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  private final List<Process> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stopNodes() {
    for (Process p : nodes) {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void threeStatelessNodesLoseNothingWhenOneIsKilled() throws Exception {
    String database = TestPostgres.freshDatabase();
    issueKey(database);
    Path config = GatewayCommandsIT.config(dir);
    List<URI> bases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bases.add(startNode(i, config, database));
    }
    for (URI base : bases) { // each node reaches the shared store: an orchestrator may send it traffic
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("/readyz")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
    try (RoundRobinProxy proxy = new RoundRobinProxy(bases)) {
      URI mcp = proxy.url("/mcp");
      ClientEvents legacyEvents = new ClientEvents();
      ClientEvents modernEvents = new ClientEvents();
      try (MultiServerMCPClient legacy = client(mcp, "2025-11-25", legacyEvents);
          MultiServerMCPClient modern = client(mcp, "2026-07-28", modernEvents)) {
        // Before the kill: memories written through every node, each acknowledged.
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          for (MultiServerMCPClient c : List.of(legacy, modern)) {
            String fact = "fact number " + acknowledged.size() + " about the shared ledger";
            CallToolResult r = c.callTool("memory__remember", Map.of("text", fact));
            assertThat(r.isError()).as(r.text()).isFalse();
            acknowledged.add(fact);
          }
        }
        // A legacy upstream's elicitation: asked on the node running the call, answered by a POST that the
        // balancer sends to the next node.
        CallToolResult elicited = legacy.callTool("everything__trigger-elicitation-request", Map.of());
        assertThat(elicited.text()).contains("- Name: " + ClientEvents.ELICITED_NAME);
        // The same for a 2026-07-28 client: the request waits on the node that ran it; the retry carrying the
        // answer lands on the next node, which passes it on.
        elicited = modern.callTool("everything__trigger-elicitation-request", Map.of());
        assertThat(elicited.text()).contains("- Name: " + ClientEvents.ELICITED_NAME);
        assertThat(modernEvents.elicitations).hasSize(1);

        // A raw legacy session, opened on whichever node the balancer picks.
        String session = initialize(mcp);
        int opener = proxy.served.get(proxy.served.size() - 1);
        assertThat(echo(mcp, session, "before").path("result").toString()).contains("Echo: before");
        // A POST stream that breaks on the node running its call resumes on another (wherever the balancer sends
        // the GET): the rest of its progress and its result are relayed from the running node.
        URI other = bases.get((opener + 1) % bases.size()).resolve("/mcp");
        String lastSeen = breakAfterFirstProgress(bases.get(opener).resolve("/mcp"), session, 40, 1.5);
        JsonNode resumed = resume(other, session, lastSeen);
        assertThat(resumed.path("id").asInt()).isEqualTo(40);
        assertThat(resumed.path("result").toString()).contains("Long running operation completed");

        // The run: both clients keep calling while the node that opened the raw session is killed.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        List<CompletableFuture<Void>> load = new ArrayList<>();
        for (MultiServerMCPClient c : List.of(legacy, modern)) {
          load.add(CompletableFuture.runAsync(() -> {
            while (running.get()) {
              int n = calls.incrementAndGet();
              String text = callWithRetry(c, "everything__echo", Map.of("message", "m" + n), retried);
              assertThat(text).isEqualTo("Echo: m" + n);
            }
          }));
        }
        // ... and slow calls, so that some are running on the node when it dies.
        for (MultiServerMCPClient c : List.of(legacy, modern)) {
          load.add(CompletableFuture.runAsync(() -> {
            while (running.get()) {
              calls.incrementAndGet();
              assertThat(callWithRetry(c, "everything__trigger-long-running-operation",
                  Map.of("duration", 0.6, "steps", 3), retried)).startsWith("Long running operation completed.");
            }
          }));
        }
        // A call certainly running on the victim when it dies: a client that reached it directly.
        MultiServerMCPClient direct = client(bases.get(opener).resolve("/mcp"), "2026-07-28", new ClientEvents());
        CompletableFuture<CallToolResult> doomed = direct.callToolAsync("everything__trigger-long-running-operation",
            Json.object().put("duration", 20).put("steps", 4), CallContext.EMPTY, CALL_LIMIT);
        String orphaned = breakAfterFirstProgress(bases.get(opener).resolve("/mcp"), session, 41, 20);
        Thread.sleep(1500);
        Process victim = nodes.get(opener);
        List<ProcessHandle> orphans = victim.descendants().toList();
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        orphans.forEach(ProcessHandle::destroyForcibly);
        // It fails at once instead of hanging, and the same call succeeds when retried through the balancer.
        assertThat(doomed).failsWithin(Duration.ofSeconds(10));
        direct.close();
        // A stream of a call that died with its node, resumed on a survivor: an error for the request, not silence.
        JsonNode told = resume(other, session, orphaned);
        assertThat(told.path("id").asInt()).isEqualTo(41);
        assertThat(told.path("error").path("message").asText()).contains("Send the request again");
        assertThat(callWithRetry(modern, "everything__trigger-long-running-operation", Map.of("duration", 0.3,
            "steps", 2), retried)).startsWith("Long running operation completed.");
        Thread.sleep(1000);
        running.set(false);
        CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES); // nothing hangs

        // After the kill: the session its node opened goes on, on the others.
        assertThat(echo(mcp, session, "after").path("result").toString()).contains("Echo: after");
        assertThat(echo(mcp, session, "again").path("result").toString()).contains("Echo: again");
        // Every acknowledged memory is there, whichever node answers.
        for (MultiServerMCPClient c : List.of(legacy, modern)) {
          String listed = callWithRetry(c, "memory__list", Map.of("limit", 100), retried);
          for (String fact : acknowledged) {
            assertThat(listed).contains(fact);
          }
        }
        // New elicitations still cross nodes among the survivors.
        for (MultiServerMCPClient c : List.of(legacy, modern)) {
          assertThat(callWithRetry(c, "everything__trigger-elicitation-request", Map.of(), retried))
              .contains("- Name: " + ClientEvents.ELICITED_NAME);
        }
        // A key revoked through the database stops working on every surviving node at once: each was told. The key
        // is issued and used on each node just before, so their caches would keep it for 25 s more otherwise.
        String freshId = issueKey(database);
        for (int node = 0; node < bases.size(); node++) {
          if (node != opener) {
            initialize(bases.get(node).resolve("/mcp")); // the new key is accepted at once
          }
        }
        assertThat(Main.run(new String[] {"users", "revoke", freshId, "--store", database},
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))).isZero();
        for (int node = 0; node < bases.size(); node++) {
          if (node != opener) {
            assertRefusedWithin(bases.get(node).resolve("/mcp"), Duration.ofSeconds(5));
          }
        }

        assertThat(calls.get()).isGreaterThan(10);
        System.out.printf("multi-node run: %d calls during the kill window, %d retried, requests per node %s%n",
            calls.get(), retried.get(), List.of(0, 1, 2).stream()
                .map(n -> proxy.served.stream().filter(x -> x.equals(n)).count()).toList());
        assertThat(proxy.served).contains(0, 1, 2);
      }
    }
  }

  @Test
  void aSessionStreamResumesOnAnotherNodeWithWhatItMissed() throws Exception {
    String database = TestPostgres.freshDatabase();
    issueKey(database);
    Path config = GatewayCommandsIT.config(dir);
    List<URI> bases = List.of(startNode(0, config, database), startNode(1, config, database));
    try (RoundRobinProxy proxy = new RoundRobinProxy(bases)) {
      URI mcp = proxy.url("/mcp");
      String session = initialize(mcp);
      java.util.concurrent.BlockingQueue<String> first = new java.util.concurrent.LinkedBlockingQueue<>();
      int holder = proxy.nextNode();
      CompletableFuture<?> stream = openStream(mcp, session, null, first);
      String priming = next(first, "id: ");
      // Subscribed through the other node, whose upstream then reports changes: they reach the holder's stream.
      assertThat(proxy.nextNode()).isNotEqualTo(holder);
      ObjectNode subscribe = Json.object().put("uri", "demo://resource/dynamic/text/1");
      assertThat(post(mcp, session, request(3, "resources/subscribe", subscribe)).statusCode()).isEqualTo(200);
      for (int i = 0; i < bases.size(); i++) { // every node's upstream starts sending updates
        ObjectNode toggle = Json.object().put("name", "everything__toggle-subscriber-updates");
        toggle.putObject("arguments");
        assertThat(post(mcp, session, request(4 + i, "tools/call", toggle)).statusCode()).isEqualTo(200);
      }
      String updateId = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (updateId == null && System.nanoTime() < deadline) {
        String id = next(first, "id: ").substring(4);
        if (next(first, "data: ").contains("notifications/resources/updated")) {
          updateId = id;
        }
      }
      assertThat(updateId).as("a resource update reached the stream").isNotNull();
      stream.cancel(true); // the connection breaks
      // The client reconnects with the last id it saw before the update; the balancer picks the other node.
      if (proxy.nextNode() == holder) {
        post(mcp, session, request(9, "ping", Json.object()));
      }
      java.util.concurrent.BlockingQueue<String> resumed = new java.util.concurrent.LinkedBlockingQueue<>();
      int resumedOn = proxy.nextNode();
      CompletableFuture<?> again = openStream(mcp, session, priming.substring(4), resumed);
      assertThat(next(resumed, "id: " + updateId)).isEqualTo("id: " + updateId);
      assertThat(next(resumed, "data: ")).contains("notifications/resources/updated");

      // The node holding the stream (and so the upstream subscription) dies. The client resumes on the survivor,
      // which subscribes its own upstream: updates keep coming. At most one could be a replay of what the dead node
      // logged after the last id read here (updates come every 5 s), so two must arrive.
      String lastSeen = updateId;
      for (String line; (line = resumed.poll()) != null; ) {
        if (line.startsWith("id: ")) {
          lastSeen = line.substring(4);
        }
      }
      Process victim = nodes.get(resumedOn);
      List<ProcessHandle> orphans = victim.descendants().toList();
      victim.destroyForcibly();
      assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
      orphans.forEach(ProcessHandle::destroyForcibly);
      again.cancel(true);
      java.util.concurrent.BlockingQueue<String> survivor = new java.util.concurrent.LinkedBlockingQueue<>();
      CompletableFuture<?> last = openStream(mcp, session, lastSeen, survivor);
      for (int updates = 0; updates < 2; ) {
        if (next(survivor, "data: ").contains("notifications/resources/updated")) {
          updates++;
        }
      }
      last.cancel(true);
    }
  }

  /** Opens the session's GET stream and puts its lines in {@code lines} as they arrive. */
  private CompletableFuture<?> openStream(URI mcp, String session, String lastEventId,
      java.util.concurrent.BlockingQueue<String> lines) {
    HttpRequest.Builder b = HttpRequest.newBuilder(mcp).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + key).header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-11-25").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(lines::add));
  }

  /** The next line starting with {@code prefix} within 20 seconds. */
  private static String next(java.util.concurrent.BlockingQueue<String> lines, String prefix) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
    }
    throw new AssertionError("no line starting with '" + prefix + "' arrived");
  }

  /** A call that failed because a node died is retried, as a client behind a balancer does; it must then work. */
  private static String callWithRetry(MultiServerMCPClient c, String tool, Map<String, Object> args,
      AtomicInteger retried) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        CallToolResult r = c.callToolAsync(tool, Json.toTree(args), CallContext.EMPTY, CALL_LIMIT)
            .get(CALL_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isFalse();
        return r.text();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("a call hung: " + tool, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (java.util.concurrent.ExecutionException e) {
        last = new RuntimeException(e.getCause());
        retried.incrementAndGet();
      }
    }
    throw last;
  }

  /** Issues {@link #key} in the database as an operator does; returns its id. */
  private String issueKey(String database) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(Main.run(new String[] {"users", "add", "alice", "--store", database}, new PrintWriter(out, true),
        new PrintWriter(err, true))).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    key = lines.get(1).strip();
    return lines.get(0).split(" ")[1];
  }

  /** Requests with the revoked key get 401 before {@code limit} is out (they may pass until the node hears of it). */
  private void assertRefusedWithin(URI mcp, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    int status;
    do {
      status = post(mcp, null, request(9, "tools/list", Json.object())).statusCode();
    } while (status != 401 && System.nanoTime() < deadline);
    assertThat(status).as(mcp + " still accepts the revoked key").isEqualTo(401);
  }

  private MultiServerMCPClient client(URI mcp, String version, ClientEvents events) {
    ServerConfig server = ServerConfig.http("gw", mcp.toString()).prefix("").protocol(version)
        .header("Authorization", "Bearer " + key).requestTimeout(CALL_LIMIT).build();
    MultiServerMCPClient client = events.install(MultiServerMCPClient.builder().server(server)).build();
    client.start();
    assertThat(client.servers().get(0).error()).isNull();
    return client;
  }

  private String initialize(URI mcp) throws Exception {
    ObjectNode params = Json.object().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "raw").put("version", "1");
    HttpResponse<String> r = post(mcp, null, request(1, "initialize", params));
    assertThat(r.statusCode()).isEqualTo(200);
    String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    ObjectNode initialized = Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized");
    assertThat(post(mcp, session, initialized).statusCode()).isEqualTo(202);
    return session;
  }

  /** POSTs a slow call and drops the connection after its first progress notification; returns that event's id. */
  private String breakAfterFirstProgress(URI mcp, String session, int id, double seconds) throws Exception {
    ObjectNode params = Json.object().put("name", "everything__trigger-long-running-operation");
    params.putObject("arguments").put("duration", seconds).put("steps", 4);
    params.putObject("_meta").put("progressToken", "t" + id);
    HttpRequest request = HttpRequest.newBuilder(mcp).timeout(CALL_LIMIT)
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .header("Authorization", "Bearer " + key).header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-11-25")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(request(id, "tools/call", params)))).build();
    HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String eventId = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("id: ")) {
          eventId = line.substring(4);
        } else if (line.startsWith("data:") && line.contains("notifications/progress")) {
          return eventId;
        }
      }
    }
    throw new AssertionError("the stream of call " + id + " ended without progress");
  }

  /** Resumes a POST stream with GET and {@code Last-Event-ID}; returns the last message it carried. */
  private JsonNode resume(URI mcp, String session, String lastEventId) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(mcp).timeout(CALL_LIMIT).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + key).header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-11-25").header("Last-Event-ID", lastEventId).GET().build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    String last = r.body().lines().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("nothing on the resumed stream"));
    return Json.parse(last.substring(6));
  }

  private JsonNode echo(URI mcp, String session, String message) throws Exception {
    ObjectNode params = Json.object().put("name", "everything__echo");
    params.putObject("arguments").put("message", message);
    HttpResponse<String> r = post(mcp, session, request(2, "tools/call", params));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String body = r.body();
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      body = body.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElse("").substring(5);
    }
    return Json.parse(body);
  }

  private static ObjectNode request(int id, String method, ObjectNode params) {
    ObjectNode r = Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    r.set("params", params);
    return r;
  }

  private HttpResponse<String> post(URI mcp, String session, ObjectNode body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(mcp).timeout(CALL_LIMIT)
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (session != null) {
      b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI startNode(int index, Path config, String database) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(GatewayCommandsIT.repo().resolve("bin/concierge").toString(),
        "serve", "--config", config.toString(), "--port", "0", "--store", database, "--memory", "lexical",
        "--auth", "keys").redirectError(dir.resolve("node-" + index + "-stderr.txt").toFile());
    Process node = builder.start();
    nodes.add(node);
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("Concierge gateway listening on ")) {
        URI url = URI.create(line.substring("Concierge gateway listening on ".length()).split(" ")[0]);
        return url.resolve("/");
      }
    }
    throw new AssertionError("node " + index + " did not start: "
        + Files.readString(dir.resolve("node-" + index + "-stderr.txt")));
  }
}
