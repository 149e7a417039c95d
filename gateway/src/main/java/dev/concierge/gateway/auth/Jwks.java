package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The signing keys of a JWKS (RFC 7517), from a file or an {@code http(s)} URL, cached. A token naming an unknown
 * {@code kid} reloads the set (the issuer rotated its keys), at most once a minute so a flood of made-up kids cannot
 * become a flood of fetches; a failed load is retried after a few seconds instead. Keys older than
 * {@link #MAX_AGE} are refreshed on the next token, so a key the issuer withdrew stops being trusted. While one
 * request loads, the others keep verifying against the keys already known.
 */
final class Jwks {
  static final Duration RELOAD_INTERVAL = Duration.ofSeconds(60);
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
  static final Duration MAX_AGE = Duration.ofMinutes(15);
  private static final int MAX_BYTES = 1 << 20;
  private static final System.Logger LOG = System.getLogger(Jwks.class.getName());

  private final String location;
  private final Clock clock;
  private final HttpClient http;
  private final ReentrantLock loading = new ReentrantLock();
  private volatile JwkSet keys = JwkSet.EMPTY;
  private volatile long loadedAtMillis = Long.MIN_VALUE / 2;
  private volatile long nextLoadMillis = Long.MIN_VALUE;

  Jwks(String location, Clock clock) {
    this.location = location;
    this.clock = clock;
    this.http = isHttp(location) ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL).build() : null;
    if (location.startsWith("http://") && !loopback(URI.create(location).getHost())) {
      LOG.log(System.Logger.Level.WARNING, "the JWKS " + location + " is fetched without TLS: anyone on the path "
          + "can substitute signing keys; use https");
    }
  }

  /**
   * The key that may verify a token with this header.
   *
   * @param kid the token's {@code kid}, or {@code null}: then the only key usable with {@code alg}
   * @return the key, or {@code null} when none fits even after a permitted reload
   */
  JwkSet.Key find(String kid, String alg) {
    long now = clock.millis();
    if (now - loadedAtMillis >= MAX_AGE.toMillis() && now >= nextLoadMillis && loading.tryLock()) {
      try {
        if (now - loadedAtMillis >= MAX_AGE.toMillis() && now >= nextLoadMillis) {
          load(now);
        }
      } finally {
        loading.unlock();
      }
    }
    JwkSet.Key key = keys.pick(kid, alg);
    if (key != null) {
      return key;
    }
    loading.lock();
    try {
      key = keys.pick(kid, alg); // another request may just have loaded it
      now = clock.millis();
      if (key == null && now >= nextLoadMillis) {
        load(now);
        key = keys.pick(kid, alg);
      }
      return key;
    } finally {
      loading.unlock();
    }
  }

  /** Replaces the keys when the source yields a usable set; on failure keeps the old ones. */
  private void load(long now) {
    nextLoadMillis = now + RETRY_AFTER_FAILURE.toMillis();
    try {
      JsonNode doc = Json.parse(fetch());
      if (!doc.path("keys").isArray()) {
        throw new IOException("no \"keys\" array");
      }
      JwkSet fresh = JwkSet.parse(doc);
      keys = fresh;
      loadedAtMillis = now;
      nextLoadMillis = now + RELOAD_INTERVAL.toMillis();
      if (fresh.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "the JWKS " + location + " has no usable RS256 or ES256 key");
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot load the JWKS from " + location + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String fetch() throws IOException, InterruptedException {
    if (http == null) {
      Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
      return Files.readString(path, StandardCharsets.UTF_8);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10))
        .header("Accept", "application/jwk-set+json, application/json").GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException("larger than " + MAX_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  static boolean isHttp(String location) {
    return location.startsWith("http://") || location.startsWith("https://");
  }

  /** By name only: a warning is not worth a DNS lookup at startup. */
  private static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }
}
