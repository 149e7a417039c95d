package dev.concierge.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's versioned schema: {@code postgres-v<N>.sql} resources applied in order, each in one
 * transaction, the applied version recorded in {@code concierge_schema}. Several nodes starting at once take turns
 * under an advisory lock, so each migration runs exactly once; a database migrated by a newer Concierge is refused.
 */
final class PostgresSchema {
  /** The migrations this code knows, oldest first; the last one is the schema it reads and writes. */
  private static final List<String> MIGRATIONS = List.of("postgres-v1.sql", "postgres-v2.sql", "postgres-v3.sql",
      "postgres-v4.sql", "postgres-v5.sql");
  /** An arbitrary constant naming Concierge's migration lock among the database's advisory locks. */
  private static final long LOCK = 0x436f6e6369657267L;

  private PostgresSchema() {}

  static void migrate(DataSource db) throws SQLException, IOException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
        st.execute("CREATE TABLE IF NOT EXISTS concierge_schema (version integer NOT NULL)");
        int current = 0;
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM concierge_schema")) {
          rs.next();
          current = rs.getInt(1);
        }
        if (current > MIGRATIONS.size()) {
          throw new IOException("the database has Concierge schema " + current + "; this version reads up to "
              + MIGRATIONS.size());
        }
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
          st.execute(script(MIGRATIONS.get(v - 1)));
          st.execute("INSERT INTO concierge_schema (version) VALUES (" + v + ")");
        }
      }
      c.commit();
    }
  }

  static int version() {
    return MIGRATIONS.size();
  }

  private static String script(String name) throws IOException {
    try (InputStream in = PostgresSchema.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing migration " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
