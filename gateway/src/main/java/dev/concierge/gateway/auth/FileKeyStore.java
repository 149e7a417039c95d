package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API keys in {@code <store>/api-keys.json}, as SHA-256 digests (the keys are 256 random bits, so a plain digest is
 * as strong as the key; a slow hash would only slow every request). A key reads {@code cnc_<id>_<secret>}: the id
 * finds the record, the digest of the whole key must match. The file is rewritten atomically, owner-only; a running
 * gateway re-reads it when it changes, so {@code concierge users revoke} in another process takes effect within a
 * second.
 */
public final class FileKeyStore implements KeyStore {
  static final String FILE = "api-keys.json";
  private static final String PREFIX = "cnc_";
  private static final int ID_HEX = 12;
  private static final long RECHECK_MILLIS = 1000;

  private record Entry(KeyInfo info, byte[] digest) {}

  private final Path file;
  private Map<String, Entry> entries = new LinkedHashMap<>();
  private FileTime loadedAt;
  private long checkedAtMillis;

  public FileKeyStore(Path storeDir) throws IOException {
    this.file = storeDir.resolve(FILE);
    reload();
  }

  @Override
  public synchronized Issued add(String tenant, String user, Set<String> groups, String label) throws IOException {
    if (tenant == null || tenant.isBlank() || user == null || user.isBlank()) {
      throw new IllegalArgumentException("a key needs a tenant and a user");
    }
    reload();
    String id = java.util.HexFormat.of().formatHex(Base64.getUrlDecoder().decode(Secrets.randomToken(6)));
    String key = PREFIX + id + "_" + Secrets.randomToken(32);
    KeyInfo info = new KeyInfo(id, tenant, user, groups == null ? Set.of() : Set.copyOf(groups), label,
        Instant.now());
    entries.put(id, new Entry(info, Secrets.sha256(key)));
    save();
    return new Issued(info, key);
  }

  @Override
  public synchronized List<KeyInfo> list() throws IOException {
    reload();
    return entries.values().stream().map(Entry::info).toList();
  }

  @Override
  public synchronized boolean revoke(String id) throws IOException {
    reload();
    if (entries.remove(id) == null) {
      return false;
    }
    save();
    return true;
  }

  @Override
  public synchronized Optional<Principal> verify(String key) {
    if (key == null || !key.startsWith(PREFIX) || key.length() < PREFIX.length() + ID_HEX + 2
        || key.charAt(PREFIX.length() + ID_HEX) != '_') {
      return Optional.empty();
    }
    refreshIfChanged();
    Entry entry = entries.get(key.substring(PREFIX.length(), PREFIX.length() + ID_HEX));
    if (entry == null || !MessageDigest.isEqual(entry.digest, Secrets.sha256(key))) {
      return Optional.empty();
    }
    KeyInfo i = entry.info;
    return Optional.of(new Principal(i.tenant(), i.user(), i.groups()));
  }

  private void refreshIfChanged() {
    long now = System.currentTimeMillis();
    if (now - checkedAtMillis < RECHECK_MILLIS) {
      return;
    }
    checkedAtMillis = now;
    try {
      FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
      if (modified == null ? loadedAt != null : !modified.equals(loadedAt)) {
        reload();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void reload() throws IOException {
    Map<String, Entry> fresh = new LinkedHashMap<>();
    if (Files.exists(file)) {
      FileTime modified = Files.getLastModifiedTime(file);
      JsonNode root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      for (JsonNode k : root.path("keys")) {
        Set<String> groups = new HashSet<>();
        k.path("groups").forEach(g -> groups.add(g.asText()));
        KeyInfo info = new KeyInfo(k.path("id").asText(), k.path("tenant").asText(), k.path("user").asText(),
            groups, Json.text(k, "label"), Instant.parse(k.path("created").asText()));
        fresh.put(info.id(), new Entry(info, Base64.getDecoder().decode(k.path("sha256").asText())));
      }
      loadedAt = modified;
    } else {
      loadedAt = null;
    }
    entries = fresh;
  }

  private void save() throws IOException {
    ObjectNode root = Json.object();
    ArrayNode keys = root.putArray("keys");
    for (Entry e : entries.values()) {
      ObjectNode k = keys.addObject().put("id", e.info.id()).put("tenant", e.info.tenant())
          .put("user", e.info.user());
      ArrayNode groups = k.putArray("groups");
      new ArrayList<>(e.info.groups()).stream().sorted().forEach(groups::add);
      if (e.info.label() != null) {
        k.put("label", e.info.label());
      }
      k.put("created", e.info.created().toString()).put("sha256", Base64.getEncoder().encodeToString(e.digest));
    }
    Secrets.writeOwnerOnly(file, Json.writePretty(root).getBytes(StandardCharsets.UTF_8));
    loadedAt = Files.getLastModifiedTime(file);
  }
}
