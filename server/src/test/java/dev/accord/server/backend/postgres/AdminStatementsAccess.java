package dev.accord.server.backend.postgres;

/** Lets tools in other packages read the admin statements, to show their plans. */
public final class AdminStatementsAccess {
  private AdminStatementsAccess() {}

  public static String statsSql() {
    return AdminStatements.STATS_SQL;
  }
}
