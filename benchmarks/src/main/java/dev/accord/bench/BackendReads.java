package dev.accord.bench;

import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.postgres.PostgresBackend;
import java.util.List;
import java.util.Map;

/**
 * The server's backend reads of a namespace's done names, called directly, without gRPC: the
 * database's share of {@link CacheWarmTime}'s timings. Each returns the number of names read.
 */
final class BackendReads {

  private BackendReads() {}

  /** The backend's pages as the server's List reads them, without gRPC. */
  static int listPages(PostgresBackend backend, String namespace, int pageSize) {
    ListQuery query = new ListQuery(namespace, ListQuery.StateFilter.DONE, Map.of(), 0);
    int rows = 0;
    Resource last = null;
    while (true) {
      List<Resource> page = backend.list(query, last, pageSize);
      rows += page.size();
      if (page.size() < pageSize) {
        return rows;
      }
      last = page.get(page.size() - 1);
    }
  }

  /**
   * The backend's done-mark stream from its start, a page of names at a time, as Watch reads it.
   */
  static int doneStream(PostgresBackend backend, String namespace, int pageSize) {
    DoneCursor cursor = backend.firstDoneCursor();
    int rows = 0;
    while (true) {
      DonePage page = backend.donesAfter(namespace, cursor, pageSize);
      rows += page.names().size();
      cursor = page.next();
      if (page.names().size() < pageSize) {
        return rows;
      }
    }
  }
}
