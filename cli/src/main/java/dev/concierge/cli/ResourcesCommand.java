package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerResource;
import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code concierge resources}: every resource and template with the server that offers it. */
@Command(name = "resources", description = "List every server's resources and resource templates.")
final class ResourcesCommand extends ClientCommand {
  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    Listing<ServerResource.Item> resources = client.listResources();
    Listing<ServerResource.Template> templates = client.listResourceTemplates();
    if (options.json) {
      ArrayNode array = Json.array();
      resources.items().forEach(r -> array.add(r.resource().toJson().put("server", r.server())));
      templates.items().forEach(t -> array.add(t.template().toJson().put("server", t.server())));
      out.println(Json.writePretty(array));
    } else {
      Table table = new Table("SERVER", "URI", "NAME");
      resources.items().forEach(r -> table.row(r.server(), r.resource().uri(), orEmpty(r.resource().name())));
      templates.items().forEach(t -> table.row(t.server(), t.template().uriTemplate(), orEmpty(t.template().name())));
      table.print(out);
    }
    return ClientOptions.reportFailures(resources.servers(), err) ? Main.FAILED : 0;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
