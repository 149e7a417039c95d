package dev.concierge.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How memories map to rows of {@code concierge_memories} and filters to SQL: the PostgreSQL store's one mapping. */
final class PostgresRows {
  /** The columns {@link #memory} reads, in its order. */
  static final String MEMORY_COLUMNS = "id, tenant, user_name, scope, kind, body, metadata, prov_server, prov_tool, "
      + "prov_session, prov_client, created_at, valid_from, valid_to, expires_at, supersedes, context";
  /** How many columns {@link #MEMORY_COLUMNS} names: a statement's own columns follow them. */
  static final int MEMORY_COLUMN_COUNT = 17;
  /** The columns {@link #entry} reads, in its order. */
  static final String ENTRY_COLUMNS = "id, seq, scope, kind, created_at, expires_at, valid_to IS NULL, prov_server, "
      + "metadata, body_tokens, embedding, ARRAY(SELECT lexeme FROM unnest(tsv)), "
      + "ARRAY(SELECT coalesce(cardinality(positions), 1) FROM unnest(tsv)), text_embedding";
  static final String INSERT = "INSERT INTO concierge_memories (owner, id, tenant, user_name, series, seq, scope, "
      + "kind, body, body_tokens, metadata, prov_server, prov_tool, prov_session, prov_client, created_at, valid_from, "
      + "valid_to, expires_at, supersedes, embedding, context, text_embedding) "
      + "VALUES (?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?,?,?)";
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private PostgresRows() {}

  static void bindInsert(PreparedStatement st, Memory m, String series, long seq, MemoryDocuments.Vectors vectors)
      throws SQLException {
    int i = 1;
    st.setString(i++, m.owner().key());
    st.setString(i++, m.id());
    st.setString(i++, m.owner().tenant());
    st.setString(i++, m.owner().user());
    st.setString(i++, series);
    st.setLong(i++, seq);
    st.setString(i++, m.scope());
    st.setString(i++, m.kind());
    st.setString(i++, m.text());
    // the length BM25 normalises by: every word the row's tsvector was made of (as the embedded store's field length)
    st.setInt(i++, tokens(m.text()) + (m.context() == null ? 0 : tokens(m.context())));
    st.setString(i++, Json.write(m.metadata()));
    st.setString(i++, m.provenance().server());
    st.setString(i++, m.provenance().tool());
    st.setString(i++, m.provenance().session());
    st.setString(i++, m.provenance().client());
    st.setObject(i++, time(m.createdAt()));
    st.setObject(i++, time(m.validFrom()));
    st.setObject(i++, time(m.validTo()));
    st.setObject(i++, time(m.expiresAt()));
    st.setString(i++, m.supersedes());
    st.setBytes(i++, vectors.vector() == null ? null : bytes(vectors.vector()));
    st.setString(i++, m.context());
    st.setBytes(i, vectors.text() == null ? null : bytes(vectors.text()));
  }

  static Memory memory(ResultSet rs) throws SQLException {
    return new Memory(rs.getString(1), new Owner(rs.getString(2), rs.getString(3)), rs.getString(4),
        rs.getString(5), rs.getString(6), (ObjectNode) Json.parse(rs.getString(7)),
        new Provenance(rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)),
        instant(rs, 12), instant(rs, 13), instant(rs, 14), instant(rs, 15), rs.getString(16), rs.getString(17));
  }

  static OwnerIndex.Entry entry(ResultSet rs) throws SQLException {
    Instant expires = instant(rs, 6);
    byte[] vector = rs.getBytes(11);
    byte[] textVector = rs.getBytes(14);
    String[] lexemes = (String[]) rs.getArray(12).getArray();
    Integer[] counts = (Integer[]) rs.getArray(13).getArray();
    int[] frequencies = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      frequencies[i] = counts[i];
    }
    return new OwnerIndex.Entry(rs.getString(1), rs.getString(3), rs.getString(4),
        instant(rs, 5).toEpochMilli(), expires == null ? Long.MAX_VALUE : expires.toEpochMilli(), rs.getBoolean(7),
        rs.getString(8), scalarFields(rs.getString(9)), rs.getInt(10), lexemes, frequencies,
        vector == null ? null : floats(vector), textVector == null ? null : floats(textVector));
  }

  /**
   * {@code AND}-ed conditions for the owner's rows that {@code f} selects at {@code now}: current versions unless
   * history is asked for, not expired, and the filter's parts. Appends the parameters to {@code params}.
   */
  static String where(Filter f, Instant now, List<Object> params) {
    StringBuilder sql = new StringBuilder("(expires_at IS NULL OR expires_at > ?)");
    params.add(time(now));
    if (!f.includeHistory()) {
      sql.append(" AND valid_to IS NULL");
    }
    if (!f.scopes().isEmpty()) {
      sql.append(" AND scope = ANY (?)");
      params.add(f.scopes().toArray(String[]::new));
    }
    if (!f.kinds().isEmpty()) {
      sql.append(" AND kind = ANY (?)");
      params.add(f.kinds().toArray(String[]::new));
    }
    if (f.from() != null) {
      sql.append(" AND created_at >= ?");
      params.add(time(f.from()));
    }
    if (f.to() != null) {
      sql.append(" AND created_at < ?");
      params.add(time(f.to()));
    }
    for (Map.Entry<String, String> e : f.metadata().entrySet()) {
      sql.append(" AND jsonb_typeof(metadata -> ?) IN ('string', 'number', 'boolean') AND metadata ->> ? = ?");
      params.add(e.getKey());
      params.add(e.getKey());
      params.add(e.getValue());
    }
    if (f.server() != null) {
      sql.append(" AND prov_server = ?");
      params.add(f.server());
    }
    return sql.toString();
  }

  /** Binds parameters collected by {@link #where} (and others), arrays as {@code text[]}. */
  static void bind(PreparedStatement st, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof String[] array) {
        st.setArray(i + 1, st.getConnection().createArrayOf("text", array));
      } else {
        st.setObject(i + 1, p);
      }
    }
  }

  static OffsetDateTime time(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Words in the text: the document length BM25 normalises by. */
  static int tokens(String text) {
    Matcher m = WORD.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return Math.max(1, n);
  }

  /** Top-level scalar metadata fields as text: what a metadata filter compares with (as in the embedded store). */
  private static Map<String, String> scalarFields(String json) {
    Map<String, String> fields = new HashMap<>();
    JsonNode node = Json.parse(json);
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        fields.put(e.getKey(), e.getValue().asText());
      }
    }
    return fields.isEmpty() ? Map.of() : fields;
  }

  static byte[] bytes(float[] vector) {
    ByteBuffer b = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(vector);
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
