package dev.accord.server.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How the page shows figures, the same in the first render and in every event: the server formats,
 * so the page's script only places text.
 */
final class Format {
  private Format() {}

  /** Done as a percentage with one decimal, e.g. {@code 42.5}. */
  static String percent(NamespaceProgress progress) {
    return String.format(Locale.ROOT, "%.1f", progress.fraction() * 100);
  }

  /** What one namespace's percentage and ETA are measured against, as a sentence. */
  static String measure(NamespaceProgress progress) {
    if (progress.declared()) {
      return "Done of the "
          + count(progress.total())
          + " resources declared for this sweep ("
          + count(progress.seen())
          + " seen so far): the percentage and ETA cover the whole sweep.";
    }
    return "Done of the "
        + count(progress.seen())
        + " resources Accord has seen: a resource counts once a worker first acquires it, so the"
        + " percentage and ETA cover what has been seen (a worker can declare the total of its sweep).";
  }

  /** What the overview's percentages and ETAs are measured against, as a sentence. */
  static String measure(List<NamespaceProgress> namespaces) {
    long declared = namespaces.stream().filter(NamespaceProgress::declared).count();
    String seen =
        "the resources Accord has seen (a resource counts once a worker first acquires it)";
    if (declared == 0) {
      return "Percentages and ETAs count "
          + seen
          + ": no worker has declared the total of a sweep.";
    }
    if (declared == namespaces.size()) {
      return "Percentages and ETAs count the total the workers of each namespace declared.";
    }
    return "Percentages and ETAs count the total the workers declared in "
        + declared
        + " of "
        + namespaces.size()
        + " namespaces, and "
        + seen
        + " in the others.";
  }

  /** E.g. {@code 12.5/s}; {@code measuring…} before the rate is known. */
  static String rate(NamespaceProgress progress) {
    if (progress.ratePerSecond() < 0) {
      return "measuring…";
    }
    return String.format(Locale.ROOT, "%,.1f/s", progress.ratePerSecond());
  }

  /** What the rate was measured over, e.g. {@code over 1m 30s}; empty before it is known. */
  static String rateWindow(NamespaceProgress progress) {
    if (progress.ratePerSecond() < 0) {
      return "";
    }
    return "over " + duration(Math.round(progress.rateWindowSeconds()));
  }

  /** E.g. {@code 4m 10s}; {@code finished} when nothing remains, {@code —} when unknown. */
  static String eta(NamespaceProgress progress) {
    double seconds = progress.etaSeconds();
    if (seconds == 0) {
      return "finished";
    }
    return seconds < 0 ? "—" : duration(Math.max(1, Math.round(seconds)));
  }

  /** A count with thousands separators. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /**
   * How long before {@code nowMillis} {@code millis} was, e.g. {@code 3m 5s ago}; {@code —} for 0.
   */
  static String ago(long millis, long nowMillis) {
    return millis == 0 ? "—" : duration(Math.max(0, (nowMillis - millis) / 1000)) + " ago";
  }

  /** Unix milliseconds as an ISO instant to the second; {@code —} for 0. */
  static String instant(long millis) {
    return millis == 0 ? "—" : Instant.ofEpochMilli(millis / 1000 * 1000).toString();
  }

  static String duration(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return d.getSeconds() + "s";
  }
}
