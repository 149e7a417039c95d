package dev.concierge.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.time.Instant;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * How a {@link Memory} is laid out as a Lucene document: everything stored (the index is the record), the filterable
 * parts indexed as exact terms or points, the text (and context) analysed for BM25, the embeddings as HNSW vectors.
 */
final class MemoryDocuments {
  static final String ID = "id";
  static final String SERIES = "series";
  static final String OWNER = "owner";
  static final String TENANT = "tenant";
  static final String USER = "user";
  static final String SCOPE = "scope";
  static final String KIND = "kind";
  static final String TEXT = "text";
  static final String CREATED = "created";
  static final String VALID_FROM = "valid_from";
  static final String VALID_TO = "valid_to";
  static final String CURRENT = "current";
  static final String EXPIRES = "expires";
  static final String METADATA = "metadata";
  static final String META_PREFIX = "meta.";
  static final String SERVER = "prov.server";
  static final String TOOL = "prov.tool";
  static final String SESSION = "prov.session";
  static final String CLIENT = "prov.client";
  static final String SUPERSEDES = "supersedes";
  static final String VECTOR = "vec";
  /** A memory's context, stored apart from its text (the record) and analysed with it (recall). */
  static final String CONTEXT = "context";
  /** The embedding of a memory's text alone, for a memory with context (whose {@link #VECTOR} embeds both). */
  static final String TEXT_VECTOR = "vec.text";
  /** Never expires: the largest instant a point field holds. */
  static final long NEVER = Long.MAX_VALUE;

  private MemoryDocuments() {}

  /**
   * A memory version's embeddings: {@code vector} of its text with its context ({@link #embedded}), and
   * {@code text} of its text alone — only for a memory with context, else {@code null}. Both {@code null} without an
   * embedder.
   */
  record Vectors(float[] vector, float[] text) {
    static final Vectors NONE = new Vectors(null, null);

    /** A memory's embeddings: one, two with a context; none without an embedder. */
    static Vectors of(Embedder embedder, String text, String context) {
      if (embedder == null) {
        return NONE;
      }
      return context == null ? new Vectors(embedder.embed(text), null)
          : new Vectors(embedder.embed(embedded(text, context)), embedder.embed(text));
    }
  }

  /** What a memory's main embedding is of: its text, then its context (the text first: a model truncates the end). */
  static String embedded(String text, String context) {
    return context == null ? text : text + "\n" + context;
  }

  static Document toDocument(Memory m, String series, Vectors vectors) {
    Document d = new Document();
    d.add(new StringField(ID, m.id(), Field.Store.YES));
    d.add(new StringField(SERIES, series, Field.Store.YES));
    d.add(new StringField(OWNER, m.owner().key(), Field.Store.NO));
    d.add(new StoredField(TENANT, m.owner().tenant()));
    d.add(new StoredField(USER, m.owner().user()));
    d.add(new StringField(SCOPE, m.scope(), Field.Store.YES));
    d.add(new StringField(KIND, m.kind(), Field.Store.YES));
    d.add(new TextField(TEXT, m.text(), Field.Store.YES));
    if (m.context() != null) {
      // A second value of the analysed field, not stored with it: BM25 ranks the memory by the words of its text
      // and its context together (one field length), and the stored text reads back alone.
      d.add(new TextField(TEXT, m.context(), Field.Store.NO));
      d.add(new StoredField(CONTEXT, m.context()));
    }
    long created = m.createdAt().toEpochMilli();
    d.add(new LongPoint(CREATED, created));
    d.add(new StoredField(CREATED, created));
    d.add(new NumericDocValuesField(CREATED, created));
    d.add(new StoredField(VALID_FROM, m.validFrom().toEpochMilli()));
    if (m.validTo() != null) {
      d.add(new StoredField(VALID_TO, m.validTo().toEpochMilli()));
    }
    d.add(new StringField(CURRENT, m.current() ? "1" : "0", Field.Store.NO));
    long expires = m.expiresAt() == null ? NEVER : m.expiresAt().toEpochMilli();
    d.add(new LongPoint(EXPIRES, expires));
    d.add(new StoredField(EXPIRES, expires));
    d.add(new StoredField(METADATA, Json.write(m.metadata())));
    for (Map.Entry<String, JsonNode> e : m.metadata().properties()) {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        d.add(new StringField(META_PREFIX + e.getKey(), e.getValue().asText(), Field.Store.NO));
      }
    }
    addIfPresent(d, SERVER, m.provenance().server());
    addIfPresent(d, TOOL, m.provenance().tool());
    addIfPresent(d, SESSION, m.provenance().session());
    addIfPresent(d, CLIENT, m.provenance().client());
    if (m.supersedes() != null) {
      d.add(new StoredField(SUPERSEDES, m.supersedes()));
    }
    if (vectors.vector() != null) {
      d.add(new KnnFloatVectorField(VECTOR, vectors.vector(), VectorSimilarityFunction.DOT_PRODUCT));
    }
    if (vectors.text() != null) {
      d.add(new KnnFloatVectorField(TEXT_VECTOR, vectors.text(), VectorSimilarityFunction.DOT_PRODUCT));
    }
    return d;
  }

  static Memory fromDocument(Document d) {
    Number validTo = d.getField(VALID_TO) == null ? null : d.getField(VALID_TO).numericValue();
    long expires = d.getField(EXPIRES).numericValue().longValue();
    return new Memory(d.get(ID), new Owner(d.get(TENANT), d.get(USER)), d.get(SCOPE), d.get(KIND), d.get(TEXT),
        (ObjectNode) Json.parse(d.get(METADATA)),
        new Provenance(d.get(SERVER), d.get(TOOL), d.get(SESSION), d.get(CLIENT)),
        Instant.ofEpochMilli(d.getField(CREATED).numericValue().longValue()),
        Instant.ofEpochMilli(d.getField(VALID_FROM).numericValue().longValue()),
        validTo == null ? null : Instant.ofEpochMilli(validTo.longValue()),
        expires == NEVER ? null : Instant.ofEpochMilli(expires), d.get(SUPERSEDES), d.get(CONTEXT));
  }

  private static void addIfPresent(Document d, String field, String value) {
    if (value != null) {
      d.add(new StringField(field, value, Field.Store.YES));
    }
  }
}
