package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedPrompt;
import dev.concierge.protocol.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code concierge prompts}: the aggregated prompt names with their descriptions. */
@Command(name = "prompts", description = "List every server's prompts under their exposed names.")
final class PromptsCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (MultiServerMCPClient client = options.open(spec.commandLine().getErr())) {
      Listing<NamedPrompt> prompts = client.listPrompts();
      var out = spec.commandLine().getOut();
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
      return ClientOptions.reportFailures(prompts.servers(), spec.commandLine().getErr()) ? Main.FAILED : 0;
    }
  }
}
