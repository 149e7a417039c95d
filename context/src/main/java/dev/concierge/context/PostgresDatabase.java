package dev.concierge.context;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A pool of connections to the store's database, its schema brought up to date on open, and the two ways the
 * PostgreSQL stores use it: one statement's worth of work, or a transaction committed before it returns.
 */
final class PostgresDatabase implements AutoCloseable {
  /** Work on one connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;

  /** Connects (a pool named {@code name} of at most {@code size}) and migrates the schema. */
  PostgresDatabase(String jdbcUrl, String name, int size) throws IOException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    try {
      this.pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to the store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try {
      PostgresSchema.migrate(pool);
    } catch (SQLException | IOException e) {
      pool.close();
      throw e instanceof IOException io ? io : new IOException("cannot prepare the store: " + e.getMessage(), e);
    }
  }

  <T> T work(Work<T> work) throws IOException {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * One transaction, committed before this returns; rolled back on any failure (an {@link IllegalArgumentException}
   * from the work included, so bad input writes nothing). Deadlocks and serialization failures are retried.
   */
  <T> T transaction(Work<T> work) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < 3 && ("40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState()))) {
          continue;
        }
        throw failure(e);
      }
    }
  }

  /** Text the database cannot hold is the caller's error ({@link IllegalArgumentException}); anything else is ours. */
  private static IOException failure(SQLException e) {
    if ("22021".equals(e.getSQLState()) || "22P05".equals(e.getSQLState())) {
      throw new IllegalArgumentException("the text or metadata holds characters the store cannot keep: "
          + e.getMessage());
    }
    return new IOException("the PostgreSQL store failed: " + e.getMessage(), e);
  }

  /** A JDBC URL without its password, for messages. */
  static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public void close() {
    pool.close();
  }
}
