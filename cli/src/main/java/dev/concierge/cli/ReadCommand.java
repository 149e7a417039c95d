package dev.concierge.cli;

import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.ReadResourceResult;
import dev.concierge.protocol.model.ResourceContents;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code concierge read URI}: prints a resource's text (blobs are summarized unless {@code --json}). */
@Command(name = "read", description = "Read a resource by URI.")
final class ReadCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "URI")
  String uri;

  @Option(names = "--server", paramLabel = "NAME", description = "The server to read from, when several offer URI.")
  String server;

  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    ReadResourceResult result = server == null ? client.readResource(uri, CallContext.EMPTY)
        : client.readResource(server, uri, CallContext.EMPTY);
    if (options.json) {
      out.println(Json.writePretty(result.toJson()));
    } else {
      for (ResourceContents c : result.contents()) {
        out.println(c.text() != null ? c.text()
            : "[blob " + c.mimeType() + ", " + (c.blob() == null ? 0 : c.blob().length() * 3 / 4) + " bytes]");
      }
    }
    return 0;
  }
}
