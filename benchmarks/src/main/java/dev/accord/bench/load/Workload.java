package dev.accord.bench.load;

/** What each worker of a cell does, item after item. */
enum Workload {
  /** Each worker loops acquire(a new unique name) then done. Item: one acquire plus its done. */
  A("a", "fresh names"),
  /**
   * Every worker picks one of a few names at random and, when granted, releases it at once (Renew
   * with ttl 0), so the names cycle and most answers are HELD. Item: one acquire, plus the release
   * when granted.
   */
  B("b", "contended"),
  /**
   * The sweep: a namespace seeded with many names, most of them done; each worker walks the shared
   * list from its own random offset, marking done what it is granted. Item: one acquire, plus the
   * done when granted.
   */
  C("c", "sweep"),
  /**
   * The work loop: K worker processes, each an AccordClient with a WorkLoop of T threads, over one
   * shared list of names, W ms of simulated work per name ({@link LoopFleet}); run once from a cold
   * start and once over a list mostly done. Item: one resource processed.
   */
  D("d", "work loop");

  final String id;
  final String title;

  Workload(String id, String title) {
    this.id = id;
    this.title = title;
  }

  @Override
  public String toString() {
    return id;
  }
}
