package dev.accord.server.backend.postgres;

import dev.accord.server.backend.HandleKey;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.Resource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads pages of a List, newest first: a query built for each {@link ListQuery} from only the
 * conditions it sets, paging by resource id (keyset) after the first page. The caller's scope is
 * part of the WHERE clause, so rows of namespaces it may not read are never returned, and a scope
 * that leaves nothing under the prefix costs no query at all.
 */
final class ListPages {
  private final DataSource pool;
  private final SchemaMigrator schema;

  ListPages(DataSource pool, SchemaMigrator schema) {
    this.pool = pool;
    this.schema = schema;
  }

  /** See {@link dev.accord.server.backend.Backend#list}. */
  List<Resource> page(ListQuery query, Resource after, int limit) {
    NamespaceScope readable = query.readable();
    if (readable.isEmpty()) {
      return List.of();
    }
    HandleKey handles = schema.handleKey();
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(Statements.RESOURCE_COLUMNS)
            .append(" FROM accord_resource o ")
            .append(Statements.METADATA_JOIN)
            .append(
                query.isExact() ? " WHERE o.namespace = ?" : " WHERE starts_with(o.namespace, ?)");
    if (!readable.everything() && !query.isExact()) {
      sql.append(
          " AND (o.namespace = ANY(?::text[]) OR EXISTS (SELECT 1 FROM unnest(?::text[]) AS p(prefix)"
              + " WHERE starts_with(o.namespace, p.prefix)))");
    }
    switch (query.state()) {
      case DONE -> sql.append(" AND o.done_at IS NOT NULL");
      case PENDING -> sql.append(" AND o.done_at IS NULL");
      case HELD -> sql.append(" AND o.done_at IS NULL AND o.expires_at > now()");
      case AVAILABLE -> sql.append(" AND o.done_at IS NULL AND o.expires_at <= now()");
      case ALL -> {}
    }
    if (!query.metadata().isEmpty()) {
      sql.append(" AND o.metadata @> jsonb_object(?::text[], ?::text[])");
    }
    if (after != null) {
      sql.append(" AND o.id < ?");
    }
    sql.append(" ORDER BY o.id DESC LIMIT ?");
    if (after == null && query.offset() > 0) {
      sql.append(" OFFSET ?");
    }
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int index = 1;
      statement.setString(index++, query.isExact() ? query.namespace() : query.prefix());
      if (!readable.everything() && !query.isExact()) {
        statement.setArray(
            index++, connection.createArrayOf("text", readable.names().toArray(String[]::new)));
        statement.setArray(
            index++, connection.createArrayOf("text", readable.prefixes().toArray(String[]::new)));
      }
      if (!query.metadata().isEmpty()) {
        ResourceRows.bindMetadata(connection, statement, index, query.metadata());
        index += 2;
      }
      if (after != null) {
        statement.setLong(index++, handles.open(after.handleId()).resourceId());
      }
      statement.setInt(index++, limit);
      if (after == null && query.offset() > 0) {
        statement.setLong(index, query.offset());
      }
      List<Resource> page = new ArrayList<>(limit);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          page.add(ResourceRows.readResource(rows, 1, handles));
        }
      }
      return page;
    } catch (SQLException e) {
      throw SqlErrors.translate("list", e);
    }
  }
}
