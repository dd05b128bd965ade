package dev.accord.bench.load;

/** How the calls reach the database. */
enum Mode {
  /** Generated blocking gRPC stubs over TCP to a separate Accord server process. */
  SERVER("server"),
  /**
   * The same stubs over gRPC's in-process transport into the server's service code, in the bench's
   * process.
   */
  DIRECT("direct"),
  /**
   * pgbench running the Go implementation's design (its table, one statement per call) in a
   * database of its own: the baseline users compare with ({@link SeedBaseline}). Workload a only.
   */
  SEED("seed"),
  /** pgbench running the very statements the server runs: our SQL's own ceiling. */
  PGBENCH("pgbench");

  final String id;

  Mode(String id) {
    this.id = id;
  }

  @Override
  public String toString() {
    return id;
  }
}
