package dev.accord.bench;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Many Watch streams on one namespace of one server, and a steady stream of dones: how long each
 * done takes from its acknowledgement to its arrival at every stream, and how many done-stream
 * reads the server makes per done.
 *
 * <p>Starts embedded PostgreSQL in a temporary directory and an {@link AccordServer} on a loopback
 * port, opens the Watch streams (from the present) spread over a few connections, then marks
 * resources done at a fixed rate (each an Acquire, then a Done once it is answered; one does not
 * wait for the one before). A done's delay at a stream is the time from the Done's answer reaching
 * the doer to the name reaching that stream; the first {@code warmup} seconds are not counted.
 * Reads are the server's {@code accord.statement.duration{statement=dones_after}} count over the
 * counted dones, timer-driven looks included. Server, database, streams and doer share this
 * machine's cores.
 *
 * <pre>
 * java -cp benchmarks/target/accord-benchmarks.jar dev.accord.bench.WatchFanOut \
 *     [streams=1000] [dones/s=50] [seconds=20] [warmup seconds=3] [connections=10]
 * </pre>
 */
public final class WatchFanOut {
  private static final String NAMESPACE = "fanout";
  private static final long NOT_YET = Long.MIN_VALUE;

  private final int streams;
  private final int dones;

  /** Arrival time of done {@code d} at stream {@code s}, at {@code d * streams + s}. */
  private final AtomicLongArray arrivals;

  private final AtomicLongArray answered;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private volatile boolean closing;

  private WatchFanOut(int streams, int dones) {
    this.streams = streams;
    this.dones = dones;
    this.arrivals = new AtomicLongArray(streams * dones);
    for (int i = 0; i < streams * dones; i++) {
      arrivals.set(i, NOT_YET);
    }
    this.answered = new AtomicLongArray(dones);
  }

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int connections = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    System.out.printf(
        "# Java %s, %d CPUs; %,d Watch streams over %d connections, %d dones/s for %d s"
            + " (first %d s not counted)%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        streams,
        connections,
        rate,
        seconds,
        warmup);
    Path dataDir = Files.createTempDirectory("accord-fanout-");
    try {
      new WatchFanOut(streams, rate * seconds).run(dataDir, rate, rate * warmup, connections);
    } finally {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void run(Path dataDir, int rate, int uncounted, int connections) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0);
    int poolSize = PostgresSettings.DEFAULT_POOL_SIZE;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PostgresBackend backend =
        PostgresBackend.open(
            postgres.settings(poolSize), "embedded PostgreSQL", postgres, registry);
    backend.migrate();
    AccordServer server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            backend,
            2 * poolSize,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    String target = "127.0.0.1:" + server.port();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int c = 0; c < connections + 1; c++) {
        channels.add(ManagedChannelBuilder.forTarget(target).usePlaintext().build());
      }
      CountDownLatch started = new CountDownLatch(streams);
      for (int s = 0; s < streams; s++) {
        V1Grpc.newStub(channels.get(1 + s % connections))
            .watch(WatchRequest.newBuilder().setNamespace(NAMESPACE).build(), watcher(s, started));
      }
      if (!started.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Watch streams did not all start");
      }
      Timer reads =
          registry.get("accord.statement.duration").tag("statement", "dones_after").timer();
      V1Grpc.V1Stub doer = V1Grpc.newStub(channels.get(0));
      CountDownLatch allAnswered = new CountDownLatch(dones);
      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      long start = System.nanoTime();
      long readsBefore = 0;
      long countedFrom = 0;
      for (int d = 0; d < dones; d++) {
        if (d == uncounted) {
          readsBefore = reads.count();
          countedFrom = System.nanoTime();
        }
        long due = start + d * period;
        while (System.nanoTime() < due) {
          LockSupport.parkNanos(due - System.nanoTime());
        }
        markDone(doer, d, allAnswered);
      }
      if (!allAnswered.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("dones were not all answered");
      }
      long readsDuring = reads.count() - readsBefore;
      double countedSeconds = (System.nanoTime() - countedFrom) / 1e9;
      long expected = (long) dones * streams;
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received.get() < expected && System.nanoTime() < waitUntil) {
        Thread.sleep(50);
      }
      report(uncounted, readsDuring, countedSeconds, reads);
    } finally {
      closing = true;
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      server.shutdown(); // closes the backend, which stops PostgreSQL
    }
  }

  /**
   * Acquires and then marks {@code d-<d>} done without waiting, so dones start at the set rate
   * however long each takes; records when the Done's answer arrives.
   */
  private void markDone(V1Grpc.V1Stub doer, int d, CountDownLatch allAnswered) {
    doer.acquire(
        AcquireRequest.newBuilder()
            .setOwner("doer")
            .setNamespace(NAMESPACE)
            .setName("d-" + d)
            .setTtl(60)
            .build(),
        answer(
            grant -> {
              if (grant.getStatus() != Status.OK) {
                System.err.println("d-" + d + " not granted: " + grant.getStatus());
                return;
              }
              doer.done(
                  DoneRequest.newBuilder()
                      .setOwner("doer")
                      .setHandleId(grant.getHandle().getId())
                      .build(),
                  answer(
                      done -> {
                        answered.set(d, System.nanoTime());
                        allAnswered.countDown();
                      }));
            }));
  }

  private static <T> StreamObserver<T> answer(java.util.function.Consumer<T> then) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        then.accept(value);
      }

      @Override
      public void onError(Throwable error) {
        System.err.println("doer call failed: " + error);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private StreamObserver<WatchResponse> watcher(int stream, CountDownLatch started) {
    return new StreamObserver<>() {
      private boolean first = true;

      @Override
      public void onNext(WatchResponse response) {
        long now = System.nanoTime();
        if (first) {
          first = false;
          started.countDown();
        }
        for (String name : response.getNamesList()) {
          int d = Integer.parseInt(name.substring(2));
          if (!arrivals.compareAndSet(d * streams + stream, NOT_YET, now)) {
            duplicates.incrementAndGet();
          } else {
            received.incrementAndGet();
          }
        }
      }

      @Override
      public void onError(Throwable error) {
        if (!closing) {
          System.err.println("stream " + stream + " failed: " + error);
        }
      }

      @Override
      public void onCompleted() {}
    };
  }

  private void report(int uncounted, long reads, double seconds, Timer readTimer) {
    Histogram each = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    Histogram toAll = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    long missing = 0;
    for (int d = uncounted; d < dones; d++) {
      long slowest = 0;
      boolean all = true;
      for (int s = 0; s < streams; s++) {
        long at = arrivals.get(d * streams + s);
        if (at == NOT_YET) {
          missing++;
          all = false;
          continue;
        }
        // A stream may see the name before the doer sees the Done's answer: no delay then.
        long micros = Math.max(0, (at - answered.get(d)) / 1_000);
        each.recordValue(micros);
        slowest = Math.max(slowest, micros);
      }
      if (all) {
        toAll.recordValue(slowest);
      }
    }
    int counted = dones - uncounted;
    System.out.printf(
        "done -> each stream: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d arrivals)%n",
        each.getValueAtPercentile(50) / 1e3,
        each.getValueAtPercentile(99) / 1e3,
        each.getMaxValue() / 1e3,
        each.getTotalCount());
    System.out.printf(
        "done -> all streams: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d dones)%n",
        toAll.getValueAtPercentile(50) / 1e3,
        toAll.getValueAtPercentile(99) / 1e3,
        toAll.getMaxValue() / 1e3,
        toAll.getTotalCount());
    System.out.printf(
        "done-stream reads: %,d for %,d dones in %.1f s = %.2f per done (%.0f/s), mean %.2f ms each%n",
        reads,
        counted,
        seconds,
        reads / (double) counted,
        reads / seconds,
        readTimer.mean(TimeUnit.MILLISECONDS));
    System.out.printf("missing %,d, duplicates %,d%n", missing, duplicates.get());
  }
}
