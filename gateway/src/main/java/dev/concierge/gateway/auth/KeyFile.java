package dev.concierge.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.gateway.auth.KeyStore.KeyInfo;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON of {@code api-keys.json}: {@code {"version": 1, "keys": [{"id", "tenant", "user", "groups", "label",
 * "created", "sha256"}]}}, the digest in base64. Reading is strict: a file that does not parse is an error, never
 * fewer keys.
 */
final class KeyFile {
  /** A stored key: what is listed, the digest that proves it, and the principal it stands for. */
  record Entry(KeyInfo info, byte[] digest, Principal principal) {}

  private KeyFile() {}

  static Entry entry(KeyInfo info, byte[] digest) {
    return new Entry(info, digest, new Principal(info.tenant(), info.user(), info.groups()));
  }

  static Map<String, Entry> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      JsonNode keys = Json.parse(text).get("keys");
      if (keys == null || !keys.isArray()) {
        throw new IllegalArgumentException("no \"keys\" array");
      }
      Map<String, Entry> out = new LinkedHashMap<>();
      for (JsonNode k : keys) {
        Entry e = parse(k);
        out.put(e.info().id(), e);
      }
      return Collections.unmodifiableMap(out);
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a valid key file: " + e.getMessage(), e);
    }
  }

  private static Entry parse(JsonNode k) {
    return entry(info(required(k, "id"), k), digest(Base64.getDecoder().decode(required(k, "sha256")), k));
  }

  /** Who a key is for, from its JSON ({@link #infoJson}'s fields); strict. */
  static KeyInfo info(String id, JsonNode k) {
    Set<String> groups = new HashSet<>();
    k.path("groups").forEach(g -> groups.add(g.asText()));
    if (id.length() != ApiKeys.ID_HEX) {
      throw new IllegalArgumentException("key " + id + " is damaged");
    }
    return new KeyInfo(id, required(k, "tenant"), required(k, "user"), groups, Json.text(k, "label"),
        Instant.parse(required(k, "created")));
  }

  private static byte[] digest(byte[] digest, JsonNode k) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("key " + Json.text(k, "id") + " is damaged");
    }
    return digest;
  }

  /** Who a key is for, as JSON: tenant, user, groups (sorted), label when there is one, created. */
  static ObjectNode infoJson(KeyInfo i) {
    ObjectNode k = Json.object().put("tenant", i.tenant()).put("user", i.user());
    ArrayNode groups = k.putArray("groups");
    new TreeSet<>(i.groups()).forEach(groups::add);
    if (i.label() != null) {
      k.put("label", i.label());
    }
    return k.put("created", i.created().toString());
  }

  private static String required(JsonNode k, String field) {
    String value = Json.text(k, field);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a key has no \"" + field + "\"");
    }
    return value;
  }

  static byte[] write(Collection<Entry> entries) {
    ObjectNode root = Json.object().put("version", 1);
    ArrayNode keys = root.putArray("keys");
    for (Entry e : entries) {
      ObjectNode k = keys.addObject().put("id", e.info().id());
      k.setAll(infoJson(e.info()));
      k.put("sha256", Base64.getEncoder().encodeToString(e.digest()));
    }
    return (Json.writePretty(root) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
