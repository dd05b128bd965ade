package dev.accord.ctl;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times as accordctl shows them: ISO-8601 UTC instants to the second. */
final class Times {
  private Times() {}

  /** Unix milliseconds as {@code 2026-12-02T07:10:00Z}. */
  static String iso(long tms) {
    return Instant.ofEpochMilli(tms).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** For a table cell: the time, or "-" for 0 (never). */
  static String cell(long tms) {
    return tms == 0 ? "-" : iso(tms);
  }
}
