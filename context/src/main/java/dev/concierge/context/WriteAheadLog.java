package dev.concierge.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded store's log of writes not yet in a Lucene commit. A write is one JSON line appended and forced to disk
 * (one {@code fsync} of one file) before it is acknowledged, which is what makes it durable; the index commit that
 * follows in the background costs several fsyncs and is no longer on the caller's path. After a commit the files it
 * covers are deleted; on open, what the log holds beyond the last commit is applied again (each entry is idempotent).
 *
 * <p>Files are {@code wal-<n>.log}; the writer appends to the newest, {@link #rotate} starts the next.
 */
final class WriteAheadLog implements Closeable {
  private static final String PREFIX = "wal-";
  private static final String SUFFIX = ".log";

  private final Path dir;
  /** A stream, not a channel: an interrupted caller must not close the log for everyone (channels close then). */
  private java.io.FileOutputStream current;
  private Path currentFile;
  private long number;
  private boolean dirty;

  WriteAheadLog(Path dir) throws IOException {
    this.dir = dir;
    List<Path> existing = files();
    this.number = existing.isEmpty() ? 1 : numberOf(existing.get(existing.size() - 1)) + 1;
    open();
  }

  private void open() throws IOException {
    currentFile = dir.resolve(PREFIX + number + SUFFIX);
    current = new java.io.FileOutputStream(currentFile.toFile(), true);
  }

  /** Appends one entry and syncs it to disk; when this returns the entry survives a crash. */
  synchronized void append(ObjectNode entry) throws IOException {
    current.write((Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8));
    current.getFD().sync();
    dirty = true;
  }

  /** Whether anything was appended since the last rotation. */
  synchronized boolean dirty() {
    return dirty;
  }

  /** Closes the current file and starts a new one; returns every file before the new one (for deletion later). */
  synchronized List<Path> rotate() throws IOException {
    current.close();
    number++;
    open();
    dirty = false;
    return files().stream().filter(p -> !p.equals(currentFile)).toList();
  }

  /** Deletes log files (the ones a commit now covers). */
  static void delete(List<Path> files) throws IOException {
    for (Path p : files) {
      Files.deleteIfExists(p);
    }
  }

  /** Every entry of every file, oldest first; a torn last line (a crash mid-append, never acknowledged) ends a file. */
  List<ObjectNode> entries() throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    for (Path p : files()) {
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        try {
          if (Json.parse(line) instanceof ObjectNode entry) {
            out.add(entry);
          }
        } catch (RuntimeException torn) {
          break;
        }
      }
    }
    return out;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().startsWith(PREFIX)
              && p.getFileName().toString().endsWith(SUFFIX))
          .sorted((a, b) -> Long.compare(numberOf(a), numberOf(b))).toList();
    }
  }

  private static long numberOf(Path p) {
    String name = p.getFileName().toString();
    return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
  }

  @Override
  public synchronized void close() throws IOException {
    current.close();
  }

  // ---- a memory version as a log entry ----

  static ObjectNode entry(Memory m, String series, MemoryDocuments.Vectors vectors) {
    ObjectNode e = Json.object().put("id", m.id()).put("series", series).put("tenant", m.owner().tenant())
        .put("user", m.owner().user()).put("scope", m.scope()).put("kind", m.kind()).put("text", m.text());
    e.set("metadata", m.metadata());
    ObjectNode prov = e.putObject("provenance");
    prov.put("server", m.provenance().server()).put("tool", m.provenance().tool())
        .put("session", m.provenance().session()).put("client", m.provenance().client());
    e.put("created", m.createdAt().toEpochMilli()).put("validFrom", m.validFrom().toEpochMilli());
    putTime(e, "validTo", m.validTo());
    putTime(e, "expires", m.expiresAt());
    e.put("supersedes", m.supersedes());
    if (m.context() != null) {
      e.put("context", m.context());
    }
    putVector(e, "vector", vectors.vector());
    putVector(e, "textVector", vectors.text());
    return e;
  }

  static Memory memory(JsonNode e) {
    JsonNode prov = e.path("provenance");
    return new Memory(e.path("id").asText(), new Owner(e.path("tenant").asText(), e.path("user").asText()),
        e.path("scope").asText(), e.path("kind").asText(), e.path("text").asText(), (ObjectNode) e.get("metadata"),
        new Provenance(Json.text(prov, "server"), Json.text(prov, "tool"), Json.text(prov, "session"),
            Json.text(prov, "client")),
        Instant.ofEpochMilli(e.path("created").asLong()), Instant.ofEpochMilli(e.path("validFrom").asLong()),
        time(e, "validTo"), time(e, "expires"), Json.text(e, "supersedes"), Json.text(e, "context"));
  }

  static MemoryDocuments.Vectors vectors(JsonNode e) {
    return new MemoryDocuments.Vectors(vector(e, "vector"), vector(e, "textVector"));
  }

  private static void putVector(ObjectNode e, String field, float[] vector) {
    if (vector != null) {
      e.put(field, Base64.getEncoder().encodeToString(PostgresRows.bytes(vector)));
    }
  }

  private static float[] vector(JsonNode e, String field) {
    String v = Json.text(e, field);
    return v == null ? null : PostgresRows.floats(Base64.getDecoder().decode(v));
  }

  private static void putTime(ObjectNode e, String field, Instant t) {
    if (t != null) {
      e.put(field, t.toEpochMilli());
    }
  }

  private static Instant time(JsonNode e, String field) {
    JsonNode t = e.get(field);
    return t == null || t.isNull() ? null : Instant.ofEpochMilli(t.asLong());
  }
}
