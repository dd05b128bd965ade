package dev.accord.server.cli;

import dev.accord.client.AccordClient;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.Backends;
import dev.accord.server.CallSecurity;
import dev.accord.server.backend.Backend;
import dev.accord.server.http.AccordHttp;
import dev.accord.server.http.HttpEndpoint;
import dev.accord.server.metrics.ServerMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What Accord is for, in a minute: a server on embedded PostgreSQL, and workers (each an {@link
 * AccordClient} with its own owner, over a real socket) that each sweep the same list of resources
 * with a {@link WorkLoop}: taking what nobody holds, marking it done, skipping what others hold or
 * finished. At the end every resource has been processed exactly once. With {@code --secure} the
 * server and workers are set up as a secured deployment is ({@link DemoSecurity}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Starts a server on a fresh embedded PostgreSQL and runs workers over synthetic resources.")
public final class DemoCommand implements Callable<Integer> {
  private static final String NAMESPACE = "demo";

  @Option(
      names = {"-w", "--workers"},
      defaultValue = "8",
      description = "Worker threads (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = {"-r", "--resources"},
      defaultValue = "1000",
      description = "Resources to process (default ${DEFAULT-VALUE}).")
  int resources;

  @Option(
      names = "--work-ms",
      defaultValue = "2",
      description = "Simulated work per resource, in milliseconds (default ${DEFAULT-VALUE}).")
  int workMillis;

  @Option(
      names = "--backend",
      defaultValue = "embedded",
      description =
          "Backend for the demo's server (default ${DEFAULT-VALUE}: a fresh database in a temporary "
              + "directory, removed afterwards).")
  String backendSpec;

  @Option(
      names = "--secure",
      description =
          "Run with TLS (a CA and server certificate made for the run), a bearer token and access "
              + "rules, as a secured deployment does; the workers connect with the CA and the token.")
  boolean secure;

  private final PrintStream out;

  public DemoCommand() {
    this(System.out);
  }

  /** A demo printing to {@code out} (tests). */
  DemoCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || resources < 1 || workMillis < 0) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--workers and --resources must be at least 1, --work-ms at least 0");
    }
    Path dataDir = Files.createTempDirectory("accord-demo-");
    DemoSecurity security = null;
    Backend backend = null;
    AccordServer server = null;
    HttpEndpoint page = null;
    try {
      security = secure ? DemoSecurity.create(List.of(NAMESPACE)) : null;
      out.printf("Starting an Accord server (backend %s)...%n", backendSpec);
      ServerMetrics metrics = ServerMetrics.prometheus();
      backend = Backends.open(backendSpec, dataDir, Math.min(workers, 16), metrics.registry());
      InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      CallSecurity callSecurity = security == null ? CallSecurity.OPEN : security.callSecurity();
      server =
          AccordServer.start(
              security == null
                  ? AccordServer.tcp(listen)
                  : AccordServer.tcp(listen, security.serverCredentials()),
              backend,
              Math.min(workers, 16) * 2,
              Duration.ofSeconds(5),
              Duration.ofSeconds(2),
              callSecurity,
              metrics);
      String target = "127.0.0.1:" + server.port();
      out.printf("Server on %s (%s)%n", target, backend.describe());
      page = AccordHttp.start(listen, backend, callSecurity, metrics::scrape);
      out.printf(
          "Progress: http://127.0.0.1:%d/%s%n",
          page.port(),
          security == null ? "" : " (sign in with the token in " + security.tokenFile() + ")");
      if (security != null) {
        out.printf(
            "Security on: TLS (a CA made for this run), a bearer token for user %s, worker on "
                + "namespace %s; a call without the token: %s%n",
            DemoSecurity.USER, NAMESPACE, security.callWithoutToken(target, NAMESPACE));
      }
      out.printf(
          "%d workers, each an AccordClient with its own owner, sweep the same %d resources (%d ms of work "
              + "each)%n%n",
          workers, resources, workMillis);
      return run(target, security);
    } finally {
      if (page != null) {
        page.close();
      }
      if (server != null) {
        server.shutdown();
      } else if (backend != null) {
        backend.close();
      }
      deleteTree(dataDir);
      if (security != null) {
        security.close();
      }
    }
  }

  private int run(String target, DemoSecurity security) throws Exception {
    List<String> names = new ArrayList<>(resources);
    for (int i = 1; i <= resources; i++) {
      names.add(String.format("resource-%07d", i));
    }
    ConcurrentHashMap<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    AtomicInteger finished = new AtomicInteger();
    List<AccordClient> clients = new ArrayList<>();
    for (int w = 1; w <= workers; w++) {
      AccordClient.Builder builder =
          AccordClient.builder()
              .target(target)
              .namespace(NAMESPACE)
              .owner("demo-worker-" + w)
              .ttl(Duration.ofSeconds(30));
      clients.add((security == null ? builder : security.client(builder)).build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    Progress progress = new Progress(out, resources, System.console() != null);
    long start = System.nanoTime();
    ticker.scheduleAtFixedRate(
        () -> progress.show(finished.get(), System.nanoTime() - start),
        0,
        100,
        TimeUnit.MILLISECONDS);
    List<Future<WorkLoop.Progress>> loops = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        AccordClient client = clients.get(w);
        // Each worker walks the listing from its own starting point, as workers over a bucket
        // listing would.
        int first = (int) ((long) w * resources / workers);
        List<String> listing = new ArrayList<>(names.subList(first, resources));
        listing.addAll(names.subList(0, first));
        loops.add(
            pool.submit(
                () ->
                    client
                        .workLoop(
                            1,
                            lease -> {
                              processed
                                  .computeIfAbsent(lease.name(), n -> new AtomicInteger())
                                  .incrementAndGet();
                              if (workMillis > 0) {
                                Thread.sleep(workMillis);
                              }
                              lease.setMetadata("worker", client.owner());
                              finished.incrementAndGet();
                            })
                        .run(listing)));
      }
      long held = 0;
      long skipped = 0;
      long failed = 0;
      for (Future<WorkLoop.Progress> loop : loops) {
        WorkLoop.Progress result = loop.get();
        held += result.heldByOthers();
        skipped += result.skipped();
        failed += result.failed();
      }
      long elapsed = System.nanoTime() - start;
      ticker.shutdownNow();
      ticker.awaitTermination(1, TimeUnit.SECONDS);
      progress.show(finished.get(), elapsed);
      progress.end();
      return summary(processed, elapsed, held, skipped, failed);
    } finally {
      ticker.shutdownNow();
      pool.shutdownNow();
      clients.forEach(AccordClient::close);
    }
  }

  private int summary(
      Map<String, AtomicInteger> processed,
      long elapsedNanos,
      long held,
      long skipped,
      long failed) {
    int processedOnce = processed.size();
    int duplicates = processed.values().stream().mapToInt(c -> c.get() - 1).sum();
    double seconds = elapsedNanos / 1e9;
    out.println();
    out.printf("resources    %,d%n", resources);
    out.printf("processed    %,d%n", processedOnce);
    out.printf("duplicates   %,d%n", duplicates);
    out.printf("time         %.2f s%n", seconds);
    out.printf("throughput   %,.0f resources/s%n", resources / seconds);
    if (workMillis > 0) {
      // Each worker runs one task at a time: at best one resource per work-ms each.
      double ideal = workers * 1000.0 / workMillis;
      out.printf(
          "of ideal     %.1f %% (ideal: %d workers × 1000 ÷ %d ms = %,.0f resources/s)%n",
          100 * resources / seconds / ideal, workers, workMillis, ideal);
    }
    out.printf(
        "skipped      %,d already done (most answered by the clients' done-caches, without a call), "
            + "%,d held by another worker, %,d failed%n",
        skipped, held, failed);
    boolean exact = processedOnce == resources && duplicates == 0 && failed == 0;
    out.println(
        exact ? "Every resource processed exactly once." : "MISMATCH: see the figures above.");
    return exact ? 0 : 1;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove the demo's data in " + root, e);
    }
  }

  /** A progress bar redrawn in place on a terminal; a line per tenth otherwise. */
  private static final class Progress {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private final int total;
    private final boolean terminal;
    private int lastTenth = -1;

    Progress(PrintStream out, int total, boolean terminal) {
      this.out = out;
      this.total = total;
      this.terminal = terminal;
    }

    synchronized void show(int finished, long elapsedNanos) {
      double rate = finished / Math.max(elapsedNanos / 1e9, 1e-3);
      String figures = String.format("%,d/%,d  %,.0f/s", finished, total, rate);
      if (terminal) {
        int filled = (int) ((long) finished * WIDTH / total);
        out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + figures + "   ");
        out.flush();
      } else {
        int tenth = (int) ((long) finished * 10 / total);
        if (tenth != lastTenth) {
          lastTenth = tenth;
          out.println(figures);
        }
      }
    }

    void end() {
      if (terminal) {
        out.println();
      }
    }
  }
}
