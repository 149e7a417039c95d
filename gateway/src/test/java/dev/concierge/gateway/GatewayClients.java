package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.everything.ClientEvents;

/** Our own client as a downstream of a gateway under test, recording what reaches it. */
final class GatewayClients {
  private GatewayClients() {}

  /** A started client of {@code gateway} with no prefix; {@code version} pins the era ({@code null}: auto). */
  static MultiServerMCPClient client(Gateway gateway, String version, ClientEvents events) {
    ServerConfig.Builder server = ServerConfig.http("gw", gateway.url().toString()).prefix("");
    if (version != null) {
      server.protocol(version);
    }
    MultiServerMCPClient client = events.install(MultiServerMCPClient.builder().server(server.build())).build();
    client.start();
    assertThat(client.servers().get(0).error()).isNull();
    return client;
  }
}
