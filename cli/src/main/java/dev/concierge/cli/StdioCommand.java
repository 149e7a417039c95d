package dev.concierge.cli;

import dev.concierge.gateway.Gateway;
import dev.concierge.gateway.GatewayConfig;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code concierge stdio}: the gateway for desktop hosts that spawn processes. stdout carries MCP only, so anything
 * else that would print there (libraries, warnings) is sent to stderr.
 */
@Command(name = "stdio", description = "Serve every configured server as one MCP server over stdin/stdout.")
final class StdioCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "An mcpServers JSON file.")
  Path config;

  @Option(names = "--store", paramLabel = "DIR|JDBC-URL", description = "Data directory (default: ~/.concierge), or "
      + "a jdbc:postgresql: URL.")
  String store;

  @Option(names = "--memory", defaultValue = "on", description = "on (default), lexical or off: the built-in memory "
      + "server.")
  String memory;

  @picocli.CommandLine.Mixin
  EmbeddingModelOption model;

  @Override
  public Integer call() throws Exception {
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    GatewayConfig gatewayConfig = GatewayConfig.read(config);
    dev.concierge.context.MemoryStore memories = StoreDir.memories(store, memory, model);
    dev.concierge.context.StateStore state = StoreDir.state(store);
    try (state; memories; Gateway gateway = Gateway.builder(gatewayConfig).stdioOnly().memory(memories).state(state)
        .start()) {
      gateway.serveStdio(System.in, protocolOut);
    }
    return 0;
  }
}
