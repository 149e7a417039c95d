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
 * parts indexed as exact terms or points, the text analysed for BM25, the embedding as an HNSW vector.
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
  /** Never expires: the largest instant a point field holds. */
  static final long NEVER = Long.MAX_VALUE;

  private MemoryDocuments() {}

  static Document toDocument(Memory m, String series, float[] vector) {
    Document d = new Document();
    d.add(new StringField(ID, m.id(), Field.Store.YES));
    d.add(new StringField(SERIES, series, Field.Store.YES));
    d.add(new StringField(OWNER, m.owner().key(), Field.Store.NO));
    d.add(new StoredField(TENANT, m.owner().tenant()));
    d.add(new StoredField(USER, m.owner().user()));
    d.add(new StringField(SCOPE, m.scope(), Field.Store.YES));
    d.add(new StringField(KIND, m.kind(), Field.Store.YES));
    d.add(new TextField(TEXT, m.text(), Field.Store.YES));
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
    if (vector != null) {
      d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
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
        expires == NEVER ? null : Instant.ofEpochMilli(expires), d.get(SUPERSEDES));
  }

  private static void addIfPresent(Document d, String field, String value) {
    if (value != null) {
      d.add(new StringField(field, value, Field.Store.YES));
    }
  }
}
