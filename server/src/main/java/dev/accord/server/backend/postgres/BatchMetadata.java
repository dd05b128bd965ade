package dev.accord.server.backend.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a batch's requests as three parallel arrays: request index, key, value.
 * PostgreSQL arrays must be rectangular, so the batch statements regroup the pairs by index
 * themselves.
 */
final class BatchMetadata {
  private final List<Integer> index = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  void add(int request, Map<String, String> metadata) {
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      index.add(request);
      keys.add(entry.getKey());
      values.add(entry.getValue());
    }
  }

  /** Binds the three arrays at {@code first}, {@code first + 1} and {@code first + 2}. */
  void bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
    statement.setArray(first, connection.createArrayOf("int4", index.toArray(Integer[]::new)));
    statement.setArray(first + 1, connection.createArrayOf("text", keys.toArray(String[]::new)));
    statement.setArray(first + 2, connection.createArrayOf("text", values.toArray(String[]::new)));
  }
}
