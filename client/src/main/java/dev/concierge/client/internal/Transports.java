package dev.concierge.client.internal;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.transport.McpTransport;
import dev.concierge.client.transport.SseTransport;
import dev.concierge.client.transport.StdioTransport;
import dev.concierge.client.transport.StreamableHttpTransport;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default transport factory. HTTP transports of one client share one {@link HttpClient} (one connection pool and
 * selector thread); HTTP/1.1 because every SSE stream then has its own connection and no proxy needs h2c.
 */
public final class Transports implements TransportFactory {
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  /**
   * The HttpClient's own executor. Without one, its futures complete through the JDK's default async pool, which on a
   * machine with two cores starts a new thread for every task: a thread per HTTP call. Cached daemon threads are
   * reused, and idle ones go away after a minute.
   */
  private static final ExecutorService HTTP_THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "concierge-httpclient-" + THREAD_IDS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

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
          http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(HTTP_THREADS)
              .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        client = http;
      }
    }
    return client;
  }
}
