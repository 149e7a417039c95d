package dev.concierge.cli;

import dev.concierge.client.ClientHandlers;
import dev.concierge.client.ConfigFile;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that talks to servers shares. */
final class ClientOptions {
  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "An mcpServers JSON file (Claude Desktop, Cursor or VS Code format).")
  Path config;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  /** Opens a client for every configured server; progress of long calls goes to the terminal when there is one. */
  MultiServerMCPClient open(PrintWriter err) throws IOException {
    MultiServerMCPClient.Builder builder = MultiServerMCPClient.builder().servers(ConfigFile.read(config));
    if (System.console() != null) {
      builder.onProgress(progressPrinter(err));
    }
    MultiServerMCPClient client = builder.build();
    client.start();
    return client;
  }

  private static ClientHandlers.ProgressListener progressPrinter(PrintWriter err) {
    return (origin, progress, total, message) -> {
      String amount = total == null ? String.valueOf(progress) : progress + "/" + total;
      err.print("\r" + origin.server() + ": " + amount + (message == null ? "" : " " + message) + "\u001b[K");
      err.flush();
    };
  }

  /** One line on stderr per server that failed; returns whether any did. */
  static boolean reportFailures(List<ServerStatus> servers, PrintWriter err) {
    boolean failed = false;
    for (ServerStatus s : servers) {
      if (s.error() != null) {
        err.println("error: server '" + s.name() + "': " + s.error());
        failed = true;
      }
    }
    return failed;
  }
}
