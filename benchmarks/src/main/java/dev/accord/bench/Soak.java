package dev.accord.bench;

import dev.accord.client.AccordClient;
import dev.accord.client.Lease;
import dev.accord.client.LeaseLostException;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long run against a running server, to see whether it stays flat: many open leases renewed by
 * the client in the background (as workers' leases are), plus a steady stream of acquires, each
 * followed by its done. Every interval (a minute) it prints one line: the server's heap (and, given
 * its pid, heap right after a full collection and resident memory), live threads, connections
 * established to its port, how many leases are still valid, renew/acquire/done counts and p50/p99,
 * and failed calls; at the end, the first five minutes against the last five.
 *
 * <pre>
 * java -cp benchmarks/target/accord-benchmarks.jar dev.accord.bench.Soak \
 *     --target 127.0.0.1:7475 --metrics http://127.0.0.1:9090/metrics --server-pid PID \
 *     [--minutes 30] [--leases 10000] [--ttl 30] [--rate 100] [--clients 10]
 * </pre>
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "Open leases renewing and a steady stream of acquires and dones, for minutes.")
public final class Soak implements Callable<Integer> {
  @Option(
      names = "--target",
      defaultValue = "${env:ACCORD_TARGET:-127.0.0.1:7475}",
      description = "The server, host:port (ACCORD_TARGET, default ${DEFAULT-VALUE}).")
  String target;

  @Option(
      names = "--metrics",
      defaultValue = "http://127.0.0.1:9090/metrics",
      description = "The server's Prometheus endpoint, or \"off\" (default ${DEFAULT-VALUE}).")
  String metrics;

  @Option(
      names = "--server-pid",
      defaultValue = "0",
      description =
          "The server's process on this host: its VmRSS, and a full GC (jcmd GC.run) before each"
              + " heap-after-GC figure (default: none).")
  long serverPid;

  @Option(names = "--minutes", defaultValue = "30", description = "Intervals to run (default 30).")
  int minutes;

  @Option(
      names = "--interval-seconds",
      defaultValue = "60",
      description = "Length of one interval (default ${DEFAULT-VALUE}; shorter for a smoke run).")
  int intervalSeconds;

  @Option(names = "--leases", defaultValue = "10000", description = "Open leases (default 10000).")
  int leases;

  @Option(names = "--ttl", defaultValue = "30", description = "Lease TTL in s (default 30).")
  int ttlSeconds;

  @Option(names = "--rate", defaultValue = "100", description = "Acquire+done per s (default 100).")
  int rate;

  @Option(
      names = "--clients",
      defaultValue = "10",
      description = "AccordClients (connections, owners) sharing the work (default 10).")
  int clientCount;

  @Option(
      names = "--namespace",
      description = "Namespace (default soak-<epoch seconds>, a new one each run).")
  String namespace;

  private final CallTimes times = new CallTimes();
  private final LongAdder lost = new LongAdder();
  private final LongAdder streamFailures = new LongAdder();
  private final Map<String, LongAdder> background = new ConcurrentHashMap<>();

  private final PrintStream out;

  /** A run that prints its report to {@code out}. */
  public Soak(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Soak(System.out)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    check(minutes > 0, "--minutes", minutes);
    check(intervalSeconds > 0, "--interval-seconds", intervalSeconds);
    check(leases >= 0, "--leases", leases);
    check(ttlSeconds > 0, "--ttl", ttlSeconds);
    check(rate > 0, "--rate", rate);
    check(clientCount > 0, "--clients", clientCount);
    if (namespace == null) {
      namespace = "soak-" + Instant.now().getEpochSecond();
    }
    URI metricsUrl = "off".equals(metrics) ? null : URI.create(metrics);
    int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    out.printf(
        "# soak of %s: %,d leases (ttl %d s) over %d clients, %d acquire+done/s, %d × %d s;"
            + " namespace %s; started %s, load %.2f%n",
        target,
        leases,
        ttlSeconds,
        clientCount,
        rate,
        minutes,
        intervalSeconds,
        namespace,
        Instant.now(),
        ServerProbe.loadAverage());
    List<AccordClient> clients = openClients();
    ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
    try {
      List<Lease> held = openLeases(clients);
      times.interval("Acquire");
      times.interval("Renew");
      times.interval("Done");
      times.takeFailures();
      startStream(clients, stream);
      List<SoakInterval> intervals = new ArrayList<>();
      out.println(SoakInterval.HEADER);
      out.println(SoakInterval.RULE);
      long start = System.nanoTime();
      for (int m = 1; m <= minutes; m++) {
        long due = start + TimeUnit.SECONDS.toNanos((long) m * intervalSeconds);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
        SoakInterval interval = sample(m, metricsUrl, port, held);
        intervals.add(interval);
        out.println(interval.line());
      }
      out.printf(
          "%n# ended %s, load %.2f; background errors %s%n%n",
          Instant.now(), ServerProbe.loadAverage(), background);
      out.print(SoakInterval.slope(intervals, 5));
      return 0;
    } finally {
      stream.shutdownNow();
      for (AccordClient client : clients) {
        client.close();
      }
    }
  }

  private static void check(boolean ok, String option, int value) {
    if (!ok) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
  }

  private List<AccordClient> openClients() {
    AccordClient.Listener listener =
        new AccordClient.Listener() {
          @Override
          public void leaseLost(Lease lease, LeaseLostException cause) {
            lost.increment();
          }

          @Override
          public void backgroundError(String what, Throwable error) {
            String kind = what.replaceAll(" of \\S+", "") + ": " + error.getClass().getSimpleName();
            background.computeIfAbsent(kind, k -> new LongAdder()).increment();
          }
        };
    List<AccordClient> clients = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      clients.add(
          AccordClient.builder()
              .channel(
                  ManagedChannelBuilder.forTarget(target).usePlaintext().intercept(times).build())
              .namespace(namespace)
              .owner("soak-" + c)
              .ttl(Duration.ofSeconds(ttlSeconds))
              .listener(listener)
              .build());
    }
    return clients;
  }

  /** Acquires "hold-0" … at most 200 at a time; their renewals start as each is granted. */
  private List<Lease> openLeases(List<AccordClient> clients) throws InterruptedException {
    List<Lease> held = Collections.synchronizedList(new ArrayList<>());
    Semaphore inFlight = new Semaphore(200);
    AtomicLong refused = new AtomicLong();
    long began = System.nanoTime();
    for (int i = 0; i < leases; i++) {
      inFlight.acquire();
      clients
          .get(i % clients.size())
          .acquireAsync("hold-" + i)
          .whenComplete(
              (result, error) -> {
                if (error == null && result.isAcquired()) {
                  held.add(result.lease());
                } else {
                  refused.incrementAndGet();
                }
                inFlight.release();
              });
    }
    inFlight.acquire(200);
    out.printf(
        "# %,d leases open in %.1f s (%d not granted)%n",
        held.size(), (System.nanoTime() - began) / 1e9, refused.get());
    return held;
  }

  /** At the set rate: acquire a new name, then done it, without waiting for the one before. */
  private void startStream(List<AccordClient> clients, ScheduledExecutorService stream) {
    AtomicLong next = new AtomicLong();
    stream.scheduleAtFixedRate(
        () -> {
          long n = next.getAndIncrement();
          clients
              .get((int) (n % clients.size()))
              .acquireAsync("s-" + n)
              .whenComplete(
                  (result, error) -> {
                    if (error != null || !result.isAcquired()) {
                      streamFailures.increment();
                      return;
                    }
                    result
                        .lease()
                        .doneAsync(Map.of())
                        .whenComplete(
                            (ok, doneError) -> {
                              if (doneError != null) {
                                streamFailures.increment();
                              }
                            });
                  });
        },
        0,
        TimeUnit.SECONDS.toNanos(1) / rate,
        TimeUnit.NANOSECONDS);
  }

  private SoakInterval sample(int minute, URI metricsUrl, int port, List<Lease> held)
      throws IOException, InterruptedException {
    double load = ServerProbe.loadAverage();
    Map<String, Long> failures = new TreeMap<>(times.takeFailures());
    long lostNow = lost.sumThenReset();
    if (lostNow > 0) {
      failures.put("lost", lostNow);
    }
    long streamNow = streamFailures.sumThenReset();
    if (streamNow > 0) {
      failures.put("stream", streamNow);
    }
    var renew = times.interval("Renew");
    var acquire = times.interval("Acquire");
    var done = times.interval("Done");
    double heap = Double.NaN;
    double threads = Double.NaN;
    double heapAfterGc = Double.NaN;
    double resident = Double.NaN;
    if (serverPid > 0) {
      resident = ServerProbe.residentMiBOfPid(serverPid).orElse(Double.NaN);
    }
    if (metricsUrl != null) {
      String text = ServerProbe.scrape(metricsUrl);
      heap = mib(ServerProbe.sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
      threads = ServerProbe.sum(text, "jvm_threads_live_threads").orElse(Double.NaN);
      if (serverPid > 0) {
        ServerProbe.collectGarbage(serverPid);
        heapAfterGc =
            mib(
                ServerProbe.sum(
                    ServerProbe.scrape(metricsUrl), "jvm_memory_used_bytes", "area=\"heap\""));
      }
    }
    int valid = 0;
    synchronized (held) {
      for (Lease lease : held) {
        valid += lease.isValid() ? 1 : 0;
      }
    }
    return new SoakInterval(
        minute,
        load,
        heap,
        heapAfterGc,
        resident,
        threads,
        ServerProbe.establishedTo(port),
        valid,
        renew,
        acquire,
        done,
        failures);
  }

  private static double mib(OptionalDouble bytes) {
    return bytes.isPresent() ? bytes.getAsDouble() / (1024 * 1024) : Double.NaN;
  }
}
