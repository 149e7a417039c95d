package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedPrompt;
import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code concierge prompts}: the aggregated prompt names with their descriptions. */
@Command(name = "prompts", description = "List every server's prompts under their exposed names.")
final class PromptsCommand extends ClientCommand {
  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    Listing<NamedPrompt> prompts = client.listPrompts();
    if (options.json) {
      ArrayNode array = Json.array();
      prompts.items().forEach(p -> array.add(p.prompt().toJson()));
      out.println(Json.writePretty(array));
    } else {
      Table table = new Table("NAME", "DESCRIPTION");
      prompts.items().forEach(p -> table.row(p.name(), p.prompt().description() == null ? ""
          : p.prompt().description()));
      table.print(out);
    }
    return ClientOptions.reportFailures(prompts.servers(), err) ? Main.FAILED : 0;
  }
}
