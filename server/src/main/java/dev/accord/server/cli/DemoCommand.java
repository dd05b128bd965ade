package dev.accord.server.cli;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.AccordServer;
import dev.accord.server.Backends;
import dev.accord.server.backend.Backend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What Accord is for, in a minute: a server on embedded PostgreSQL, and worker threads that each sweep the same
 * list of resources through the V1 API over a real socket, taking what nobody holds, marking it done, skipping
 * what others hold or finished. At the end every resource has been processed exactly once.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Starts a server on a fresh embedded PostgreSQL and runs workers over synthetic resources.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = {"-w", "--workers"}, defaultValue = "8", description = "Worker threads (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = {"-r", "--resources"}, defaultValue = "1000",
      description = "Resources to process (default ${DEFAULT-VALUE}).")
  int resources;

  @Option(names = "--work-ms", defaultValue = "2",
      description = "Simulated work per resource, in milliseconds (default ${DEFAULT-VALUE}).")
  int workMillis;

  @Option(names = "--backend", defaultValue = "embedded",
      description = "Backend for the demo's server (default ${DEFAULT-VALUE}: a fresh database in a temporary "
          + "directory, removed afterwards).")
  String backendSpec;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || resources < 1 || workMillis < 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--workers and --resources must be at least 1, --work-ms at least 0");
    }
    Path dataDir = Files.createTempDirectory("accord-demo-");
    out.printf("Starting an Accord server (backend %s)...%n", backendSpec);
    Backend backend = Backends.open(backendSpec, dataDir, Math.min(workers, 16));
    AccordServer server = AccordServer.start(backend, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Math.min(workers, 16) * 2, Duration.ofSeconds(5), Duration.ofSeconds(2));
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      out.printf("Server on 127.0.0.1:%d (%s)%n", server.port(), backend.describe());
      out.printf("%d workers sweep %d resources, %d ms of work each%n%n", workers, resources, workMillis);
      return run(V1Grpc.newBlockingStub(channel));
    } finally {
      channel.shutdownNow();
      server.shutdown();
      deleteTree(dataDir);
    }
  }

  private int run(V1Grpc.V1BlockingStub stub) throws Exception {
    List<String> names = new ArrayList<>(resources);
    for (int i = 1; i <= resources; i++) {
      names.add(String.format("resource-%07d", i));
    }
    String namespace = "demo";
    ConcurrentHashMap<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    LongAdder granted = new LongAdder();
    LongAdder held = new LongAdder();
    LongAdder done = new LongAdder();
    AtomicInteger finished = new AtomicInteger();

    ExecutorService pool = Executors.newFixedThreadPool(workers);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    Progress progress = new Progress(out, resources, System.console() != null);
    long start = System.nanoTime();
    ticker.scheduleAtFixedRate(() -> progress.show(finished.get(), System.nanoTime() - start), 0, 100,
        TimeUnit.MILLISECONDS);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      String owner = "demo-worker-" + (w + 1);
      int firstIndex = (int) ((long) w * resources / workers);
      running.add(pool.submit(() -> {
        // Sweep the whole list, as a worker over a bucket listing would, until a sweep finds nothing held.
        boolean someHeld = true;
        while (someHeld) {
          someHeld = false;
          for (int i = 0; i < resources; i++) {
            String name = names.get((firstIndex + i) % resources);
            AcquireResponse answer = stub.acquire(AcquireRequest.newBuilder()
                .setOwner(owner).setNamespace(namespace).setName(name).setTtl(30).build());
            switch (answer.getStatus()) {
              case OK -> {
                granted.increment();
                processed.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                if (workMillis > 0) {
                  Thread.sleep(workMillis);
                }
                stub.done(DoneRequest.newBuilder().setOwner(owner).setHandleId(answer.getHandle().getId())
                    .putMetadata("worker", owner).build());
                finished.incrementAndGet();
              }
              case HELD -> {
                held.increment();
                someHeld = true;
              }
              case DONE -> done.increment();
              default -> throw new IllegalStateException("unexpected status " + answer.getStatus());
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> worker : running) {
      worker.get();
    }
    long elapsed = System.nanoTime() - start;
    ticker.shutdownNow();
    ticker.awaitTermination(1, TimeUnit.SECONDS);
    pool.shutdown();
    progress.show(finished.get(), elapsed);
    progress.end();

    int processedOnce = processed.size();
    int duplicates = processed.values().stream().mapToInt(c -> c.get() - 1).sum();
    double seconds = elapsed / 1e9;
    long calls = granted.sum() + held.sum() + done.sum();
    out.println();
    out.printf("resources    %,d%n", resources);
    out.printf("processed    %,d%n", processedOnce);
    out.printf("duplicates   %,d%n", duplicates);
    out.printf("time         %.2f s%n", seconds);
    out.printf("throughput   %,.0f resources/s%n", resources / seconds);
    out.printf("acquires     %,d (OK %,d, HELD %,d, DONE %,d)%n", calls, granted.sum(), held.sum(), done.sum());
    boolean exact = processedOnce == resources && duplicates == 0;
    out.println(exact ? "Every resource processed exactly once." : "MISMATCH: see the figures above.");
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
