package dev.accord.bench.load;

import dev.accord.server.backend.postgres.Statements;

/**
 * pgbench's script of each workload: the very statements the server runs for each item ({@link
 * Statements#ACQUIRE_SQL}, {@link Statements#DONE_SQL}, {@link Statements#RENEW_SQL}), each {@code
 * ?} replaced in order by a pgbench variable. Not the done hint ({@link Statements#ANNOUNCE_SQL}):
 * a server sends it at most every 20 ms whatever the rate of items, where a script can only send it
 * per item.
 */
final class PgbenchScript {
  private PgbenchScript() {}

  /**
   * Replaces each {@code ?} of {@code sql}, in order, by the pgbench variable named next. The
   * statements hold no other question mark (no jsonb {@code ?} operator), which the count check
   * confirms.
   */
  static String substitute(String sql, String... variables) {
    StringBuilder script = new StringBuilder(sql.length() + 64);
    int next = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        if (next == variables.length) {
          throw new IllegalStateException(
              "the statement has more than " + variables.length + " parameters:\n" + sql);
        }
        script.append(':').append(variables[next++]);
      } else {
        script.append(c);
      }
    }
    if (next != variables.length) {
      throw new IllegalStateException(
          "the statement has " + next + " parameters, not " + variables.length + ":\n" + sql);
    }
    return script.toString();
  }

  /**
   * The script of one workload. Variables: {@code ns}, {@code ttl}, {@code keys} and {@code values}
   * (empty metadata, {@code {}}), {@code names} and {@code pos} (workloads b and c), {@code
   * release_ttl} (b, 0) and {@code holder} (a fixed name, as one authenticated caller) come from
   * {@code -D}; the owner is pgbench's {@code client_id}; the acquire's row lands in {@code g_*}
   * through {@code \gset}. The grant is recognised by its nonce: the row comes back with the nonce
   * this script drew only when this acquire granted it (pgbench's {@code \if} compares numbers, not
   * the text of the outcome column).
   */
  static String of(Workload workload) {
    String acquire =
        substitute(
            Statements.ACQUIRE_SQL,
            "ns",
            "name",
            "ns",
            "name",
            "client_id",
            "nonce",
            "ttl",
            "keys",
            "values",
            "holder");
    String done =
        substitute(
            Statements.DONE_SQL,
            "keys",
            "values",
            "g_id",
            "g_num_acquired",
            "g_grant_nonce",
            "client_id",
            "holder");
    String release =
        substitute(
            Statements.RENEW_SQL,
            "release_ttl",
            "keys",
            "values",
            "g_id",
            "g_num_acquired",
            "g_grant_nonce",
            "client_id",
            "holder");
    StringBuilder script = new StringBuilder();
    switch (workload) {
      case A -> script.append("\\set name random(1, 1000000000000000)\n");
      case B -> script.append("\\set name random(0, :names - 1)\n");
      case C ->
          script.append(
              """
          \\if :pos < 0
          \\set pos random(0, :names - 1)
          \\endif
          \\set name :pos
          \\set pos (:pos + 1) % :names
          """);
    }
    script.append("\\set nonce random(-2147483648, 2147483647)\n");
    script.append(acquire).append("\n\\gset g_\n");
    script.append("\\if :g_grant_nonce = :nonce\n");
    script.append(workload == Workload.B ? release : done).append(";\n");
    script.append("\\endif\n");
    return script.toString();
  }
}
