package dev.concierge.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The JSON-lines form of memories that every backend exports and imports, so a dump moves between backends. */
final class MemoryJsonl {
  private MemoryJsonl() {}

  static void write(Memory m, Writer out) throws IOException {
    ObjectNode line = Json.object().put("id", m.id()).put("text", m.text()).put("scope", m.scope())
        .put("kind", m.kind()).put("created_at", m.createdAt().toString());
    line.set("metadata", m.metadata());
    if (m.expiresAt() != null) {
      line.put("expires_at", m.expiresAt().toString());
    }
    putIfPresent(line, "context", m.context());
    ObjectNode prov = line.putObject("provenance");
    putIfPresent(prov, "server", m.provenance().server());
    putIfPresent(prov, "tool", m.provenance().tool());
    putIfPresent(prov, "session", m.provenance().session());
    putIfPresent(prov, "client", m.provenance().client());
    out.write(Json.write(line));
    out.write('\n');
  }

  /** Every line parsed and validated before any is returned: a bad line fails the whole read, naming the line. */
  static List<NewMemory> read(Reader in) throws IOException {
    List<NewMemory> batch = new ArrayList<>();
    BufferedReader lines = new BufferedReader(in);
    int number = 0;
    for (String line; (line = lines.readLine()) != null; ) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        NewMemory m = parse(Json.parse(line));
        m.validate();
        batch.add(m);
      } catch (IllegalArgumentException | McpException | DateTimeParseException e) {
        throw new IllegalArgumentException("line " + number + ": " + e.getMessage());
      }
    }
    return batch;
  }

  private static NewMemory parse(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      throw new IllegalArgumentException("\"metadata\" must be an object");
    }
    String context = Json.optionalText(node, "context");
    JsonNode prov = node.path("provenance");
    String created = Json.text(node, "created_at");
    String expires = Json.text(node, "expires_at");
    return new NewMemory(Json.text(node, "text"), Json.text(node, "scope"), Json.text(node, "kind"),
        (ObjectNode) metadata, new Provenance(Json.text(prov, "server"), Json.text(prov, "tool"),
        Json.text(prov, "session"), Json.text(prov, "client")),
        created == null ? null : Instant.parse(created), expires == null ? null : Instant.parse(expires), context);
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
