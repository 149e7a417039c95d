package dev.concierge.cli;

import dev.concierge.client.ServerStatus;
import dev.concierge.context.MemoryStore;
import dev.concierge.context.StateStore;
import dev.concierge.gateway.Gateway;
import dev.concierge.gateway.GatewayConfig;
import dev.concierge.gateway.auth.ApiKeyAuthenticator;
import dev.concierge.gateway.auth.Authenticator;
import dev.concierge.gateway.auth.FileKeyStore;
import dev.concierge.gateway.auth.JwtAuthenticator;
import dev.concierge.gateway.auth.JwtSettings;
import dev.concierge.gateway.auth.LocalTokenAuthenticator;
import dev.concierge.gateway.auth.NoAuthenticator;
import dev.concierge.gateway.auth.SharedKeyStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code concierge serve}: the gateway over Streamable HTTP until interrupted. */
@Command(name = "serve", description = "Serve every configured server behind one MCP endpoint (Streamable HTTP at "
    + "/mcp, both protocol eras; legacy HTTP+SSE at /sse).")
final class ServeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "An mcpServers JSON file, with an "
      + "optional \"gateway\" section.")
  Path config;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
  int port;

  @Option(names = "--store", paramLabel = "DIR|JDBC-URL", description = "Data directory (default: ~/.concierge), or "
      + "a jdbc:postgresql: URL that several gateway nodes share.")
  String store;

  @Option(names = "--auth", defaultValue = "local", description = "local (one user, a token; default), none (loopback "
      + "only), keys (API keys: concierge users), jwt (bearer JWTs checked against the config's gateway.jwt).")
  String auth;

  @Option(names = "--memory", defaultValue = "on", description = "on (default): the built-in memory server and the "
      + "configured context injection, stored in --store; lexical: the same without the embedding model; off.")
  String memory;

  @picocli.CommandLine.Mixin
  EmbeddingModelOption model;

  @Option(names = "--token", paramLabel = "T", description = "The local token (default: $CONCIERGE_TOKEN, else one "
      + "generated on first start and kept in the store).")
  String token;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GatewayConfig gatewayConfig = GatewayConfig.read(config);
    StateStore state = StoreDir.state(store);
    try (state) {
      Authenticator authenticator = authenticator(gatewayConfig, state, out);
      Gateway.Builder builder = Gateway.builder(gatewayConfig).listen(host, port).authenticator(authenticator);
      if (authenticator instanceof JwtAuthenticator) {
        builder.authorizationServers(java.util.List.of(JwtSettings.fromJson(gatewayConfig.jwt()).issuer()));
      }
      MemoryStore memories = StoreDir.memories(store, memory, model);
      try (memories; Gateway gateway = builder.memory(memories).state(state).start()) {
        for (ServerStatus s : gateway.servers()) {
          err.println(s.error() == null ? "server '" + s.name() + "': " + s.toolCount() + " tools"
              : "warning: server '" + s.name() + "': " + s.error());
        }
        out.println("Concierge gateway listening on " + gateway.url() + " (auth: " + auth + ")");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
    }
    return 0;
  }

  /** With a database store every node must accept the same credentials: keys from the database, not a file. */
  private Authenticator authenticator(GatewayConfig gatewayConfig, StateStore state, PrintWriter out)
      throws Exception {
    String explicit = token != null ? token : System.getenv("CONCIERGE_TOKEN");
    boolean shared = StoreDir.isDatabase(store);
    if (shared && "local".equals(auth) && explicit == null) {
      throw new IllegalArgumentException("with a database store every node must accept the same credentials: use "
          + "--auth keys (concierge users add --store <the same URL>), --auth jwt, or --auth local with --token (or "
          + "CONCIERGE_TOKEN) set alike on every node");
    }
    Path dir = StoreDir.resolve(store);
    return switch (auth) {
      case "none" -> new NoAuthenticator();
      case "local" -> {
        LocalTokenAuthenticator local = LocalTokenAuthenticator.fromStore(dir, explicit);
        if (local.generated()) {
          out.println("Generated a local token (shown once; kept in " + dir + "): " + local.token());
        }
        yield local;
      }
      case "keys" -> new ApiKeyAuthenticator(shared ? new SharedKeyStore(state) : new FileKeyStore(dir));
      case "jwt" -> new JwtAuthenticator(JwtSettings.fromJson(gatewayConfig.jwt()));
      default -> throw new IllegalArgumentException("--auth must be local, none, keys or jwt, not '" + auth + "'");
    };
  }
}
