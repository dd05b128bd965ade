package dev.accord.server.backend.postgres;

import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireAnswer.Outcome;
import dev.accord.server.backend.GrantRef;
import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.Resource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps between rows and values: reads {@link Resource}s, acquire answers and name lists from result
 * sets, and binds metadata as the two text arrays (keys, values) the statements take.
 */
final class ResourceRows {
  private ResourceRows() {}

  /**
   * Reads the columns of {@link Statements#RESOURCE_COLUMNS}, the first at {@code first}; the
   * handle ID sealed with {@code handles}.
   */
  static Resource readResource(ResultSet rows, int first, HandleKey handles) throws SQLException {
    long id = rows.getLong(first);
    long grant = rows.getLong(first + 4);
    return new Resource(
        handles.seal(new GrantRef(id, grant, rows.getInt(first + 5))),
        rows.getString(first + 1),
        rows.getString(first + 2),
        rows.getString(first + 3),
        rows.getLong(first + 6),
        rows.getLong(first + 7),
        grant,
        readMetadata(rows.getArray(first + 8), rows.getArray(first + 9)),
        rows.getString(first + 10));
  }

  /** Reads an acquire's outcome code (G, H or D) at {@code first}, then the resource's columns. */
  static AcquireAnswer readAcquireAnswer(ResultSet rows, int first, HandleKey handles)
      throws SQLException {
    return new AcquireAnswer(
        outcome(rows.getString(first)), readResource(rows, first + 1, handles));
  }

  /**
   * Whether the acquire statement's row is stale: a lease that looked free, taken by another caller
   * while the statement ran, which the snapshot shows only as its old grant (see {@link
   * Statements#ACQUIRE_SQL}).
   */
  static boolean isStale(ResultSet rows, int first) throws SQLException {
    return "S".equals(rows.getString(first));
  }

  private static Outcome outcome(String code) {
    return switch (code) {
      case "G" -> Outcome.GRANTED;
      case "H", "S" -> Outcome.HELD;
      default -> Outcome.DONE;
    };
  }

  private static Map<String, String> readMetadata(Array keys, Array values) throws SQLException {
    if (keys == null) {
      return Map.of();
    }
    String[] k = (String[]) keys.getArray();
    String[] v = (String[]) values.getArray();
    Map<String, String> metadata = new HashMap<>(k.length * 2);
    for (int i = 0; i < k.length; i++) {
      metadata.put(k[i], v[i]);
    }
    return Map.copyOf(metadata);
  }

  /** Reads a text array; SQL NULL (an aggregate over no rows) is the empty list. */
  static List<String> names(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  /** Binds {@code metadata} as its keys at {@code index} and its values at {@code index + 1}. */
  static void bindMetadata(
      Connection connection, PreparedStatement statement, int index, Map<String, String> metadata)
      throws SQLException {
    String[] keys = new String[metadata.size()];
    String[] values = new String[metadata.size()];
    int i = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      keys[i] = entry.getKey();
      values[i++] = entry.getValue();
    }
    statement.setArray(index, connection.createArrayOf("text", keys));
    statement.setArray(index + 1, connection.createArrayOf("text", values));
  }
}
