package dev.concierge.client.internal;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.transport.McpTransport;
import dev.concierge.client.transport.SseTransport;
import dev.concierge.client.transport.StdioTransport;
import dev.concierge.client.transport.StreamableHttpTransport;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The default transport factory. HTTP transports of one client share one {@link HttpClient} (one connection pool and
 * selector thread); HTTP/1.1 because every SSE stream then has its own connection and no proxy needs h2c.
 */
public final class Transports implements TransportFactory {
  private volatile HttpClient http;

  @Override
  public McpTransport create(ServerConfig config, ServerConfig.Transport kind) {
    return switch (kind) {
      case STDIO -> new StdioTransport(config);
      case STREAMABLE_HTTP -> new StreamableHttpTransport(config, http());
      case SSE -> new SseTransport(config, http());
    };
  }

  private HttpClient http() {
    HttpClient client = http;
    if (client == null) {
      synchronized (this) {
        if (http == null) {
          http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        client = http;
      }
    }
    return client;
  }
}
