package dev.accord.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Injects faults one at a time, on a schedule drawn from the seed: wait, break something, hold it
 * broken, heal it. The schedule (which fault, on which server, how long) is the same for the same
 * seed; only the moments shift with how long a restart takes.
 */
public final class Nemesis implements Runnable {
  /** The faults, as an operator would meet them. */
  public enum Fault {
    /** kill -9 of a server, started again afterwards on the same port. */
    KILL_SERVER,
    /** pg_ctl stop -m immediate, then a start with crash recovery. */
    CRASH_DATABASE,
    /** SIGSTOP of a server, SIGCONT afterwards. */
    PAUSE_SERVER
  }

  /**
   * One fault of the schedule.
   *
   * @param quietBefore how long to let the system run before it
   * @param fault what to break
   * @param server which server, for server faults
   * @param held how long it stays broken
   */
  public record Step(Duration quietBefore, Fault fault, int server, Duration held) {
    @Override
    public String toString() {
      return String.format(
          "after %d ms: %s%s for %d ms",
          quietBefore.toMillis(),
          fault,
          fault == Fault.CRASH_DATABASE ? "" : " of server " + server,
          held.toMillis());
    }
  }

  private static final Duration SERVER_START = Duration.ofMinutes(2);

  private final List<Step> schedule;
  private final ChaosPostgres postgres;
  private final List<ServerNode> servers;
  private final Consumer<String> report;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private volatile Exception failure;

  public Nemesis(
      List<Step> schedule,
      ChaosPostgres postgres,
      List<ServerNode> servers,
      Consumer<String> report) {
    this.schedule = List.copyOf(schedule);
    this.postgres = postgres;
    this.servers = List.copyOf(servers);
    this.report = report;
  }

  /**
   * {@code count} steps drawn from {@code seed}: every kind of fault once in the first few, so even
   * a short run meets them all, then any. Leases last 1 to 3 s, so holding a fault 1 to 6 s lets
   * some expire under it.
   */
  public static List<Step> schedule(long seed, int count, int serverCount) {
    Random random = new Random(seed);
    List<Fault> kinds = new ArrayList<>(List.of(Fault.values()));
    Collections.shuffle(kinds, random);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Fault fault =
          i < kinds.size() ? kinds.get(i) : Fault.values()[random.nextInt(Fault.values().length)];
      Duration held =
          switch (fault) {
            case KILL_SERVER -> Duration.ofMillis(200 + random.nextInt(2_800));
            case CRASH_DATABASE -> Duration.ofMillis(500 + random.nextInt(4_500));
            case PAUSE_SERVER -> Duration.ofMillis(1_000 + random.nextInt(5_000));
          };
      steps.add(
          new Step(
              Duration.ofMillis(1_000 + random.nextInt(3_000)),
              fault,
              random.nextInt(serverCount),
              held));
    }
    return steps;
  }

  @Override
  public void run() {
    try {
      for (Step step : schedule) {
        if (waitOrStop(step.quietBefore())) {
          return;
        }
        inject(step);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
      report.accept("nemesis failed: " + e);
    }
  }

  /** Heals the fault under way and injects no more; returns once the run method has returned. */
  public void stop() {
    stop.countDown();
  }

  /** How many faults of each kind were injected and healed. */
  public synchronized Map<Fault, Integer> injected() {
    return new EnumMap<>(injected);
  }

  /** Why the nemesis could not go on (a server that would not restart), or null. */
  public Exception failure() {
    return failure;
  }

  private void inject(Step step) throws Exception {
    report.accept("fault: " + step);
    switch (step.fault()) {
      case KILL_SERVER -> {
        ServerNode server = servers.get(step.server());
        server.kill();
        waitOrStop(step.held());
        server.start(SERVER_START);
      }
      case CRASH_DATABASE -> {
        postgres.crash();
        waitOrStop(step.held());
        postgres.restart();
      }
      case PAUSE_SERVER -> {
        ServerNode server = servers.get(step.server());
        server.pause();
        waitOrStop(step.held());
        server.resume();
      }
    }
    synchronized (this) {
      injected.merge(step.fault(), 1, Integer::sum);
    }
  }

  /** Waits {@code duration}, or less once stopped; true when stopped. */
  private boolean waitOrStop(Duration duration) throws InterruptedException {
    return stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
