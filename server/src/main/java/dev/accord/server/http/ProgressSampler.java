package dev.accord.server.http;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.NamespaceStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The counts of every namespace, read with {@link Backend#namespaces} at most once per interval
 * however many pages and streams ask, and only while someone asks: there is no background thread,
 * so an unwatched server does no work for the page. Each read is kept for the rate window, and a
 * namespace's rate is its done count's rise across the samples in the window.
 */
final class ProgressSampler {
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration RATE_WINDOW = Duration.ofMinutes(5);

  private record Sample(long atMillis, long done) {}

  private final Backend backend;
  private final LongSupplier clock;
  private final long intervalMillis;
  private final long windowMillis;
  private final Map<String, Deque<Sample>> history = new HashMap<>();
  private List<NamespaceProgress> latest = List.of();
  private long latestAtMillis;
  private boolean sampled;

  ProgressSampler(Backend backend) {
    this(backend, System::currentTimeMillis, INTERVAL, RATE_WINDOW);
  }

  /**
   * @param clock milliseconds, for the interval and the rate
   */
  ProgressSampler(Backend backend, LongSupplier clock, Duration interval, Duration window) {
    this.backend = backend;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.windowMillis = window.toMillis();
  }

  /**
   * Every namespace with resources, in name order, read anew when the last read is older than the
   * interval.
   *
   * @throws dev.accord.server.backend.BackendUnavailableException when the database does not answer
   */
  synchronized List<NamespaceProgress> all() {
    long now = clock.getAsLong();
    if (!sampled || now - latestAtMillis >= intervalMillis) {
      List<NamespaceStats> read = backend.namespaces("", NamespaceScope.EVERYTHING);
      latest = record(now, read);
      latestAtMillis = now;
      sampled = true;
    }
    return latest;
  }

  /** {@code namespace}'s progress; its counts are zero when it has no resource. */
  NamespaceProgress one(String namespace) {
    for (NamespaceProgress progress : all()) {
      if (progress.stats().namespace().equals(namespace)) {
        return progress;
      }
    }
    return NamespaceProgress.unmeasured(NamespaceStats.empty(namespace));
  }

  private List<NamespaceProgress> record(long now, List<NamespaceStats> read) {
    Map<String, Deque<Sample>> kept = new HashMap<>();
    List<NamespaceProgress> progress = new ArrayList<>(read.size());
    for (NamespaceStats stats : read) {
      Deque<Sample> samples = history.getOrDefault(stats.namespace(), new ArrayDeque<>());
      // A reset or delete lowers the done count: the rate starts over rather than going negative.
      if (!samples.isEmpty() && samples.peekLast().done() > stats.done()) {
        samples.clear();
      }
      samples.addLast(new Sample(now, stats.done()));
      while (samples.size() > 2 && now - samples.peekFirst().atMillis() > windowMillis) {
        samples.removeFirst();
      }
      kept.put(stats.namespace(), samples);
      progress.add(measure(stats, samples));
    }
    history.clear();
    history.putAll(kept);
    return List.copyOf(progress);
  }

  private static NamespaceProgress measure(NamespaceStats stats, Deque<Sample> samples) {
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long spanMillis = last.atMillis() - first.atMillis();
    if (samples.size() < 2 || spanMillis <= 0) {
      return NamespaceProgress.unmeasured(stats);
    }
    double seconds = spanMillis / 1000.0;
    return new NamespaceProgress(stats, (last.done() - first.done()) / seconds, seconds);
  }
}
