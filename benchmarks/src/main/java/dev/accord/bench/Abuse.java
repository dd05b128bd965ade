package dev.accord.bench;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Abuses a running server the way a careless or hostile fleet could, then checks it still serves:
 * opens many connections, many Watch streams from the start of a namespace full of long names that
 * never ask for a message (slow readers), and Acquires carrying metadata far past the request limit
 * (expected: RESOURCE_EXHAUSTED); then times a normal Acquire on a new connection, closes
 * everything and lets the server settle. Prints the server's resident memory before, at the peak
 * (sampled every second throughout) and after: {@code docker stats} of a container, or VmRSS of a
 * process.
 *
 * <pre>
 * java -cp benchmarks/target/accord-benchmarks.jar dev.accord.bench.Abuse \
 *     --target 127.0.0.1:7475 (--container NAME | --pid PID) \
 *     [--connections 4000] [--streams 500] [--big 50] [--big-mib 10] [--seed-dones 6000]
 * </pre>
 *
 * The tool holds a socket per connection: raise {@code ulimit -n} above the connection count.
 */
@Command(
    name = "abuse",
    mixinStandardHelpOptions = true,
    description =
        "Connection flood, unread Watch streams and oversized requests; then a normal call.")
public final class Abuse implements Callable<Integer> {
  @Option(
      names = "--target",
      defaultValue = "${env:ACCORD_TARGET:-127.0.0.1:7475}",
      description = "The server, host:port (ACCORD_TARGET, default ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--container", description = "The server's container: docker stats memory.")
  String container;

  @Option(names = "--pid", defaultValue = "0", description = "The server's process: its VmRSS.")
  long pid;

  @Option(names = "--connections", defaultValue = "4000", description = "Connections (4000).")
  int connections;

  @Option(names = "--streams", defaultValue = "500", description = "Unread Watch streams (500).")
  int streams;

  @Option(names = "--big", defaultValue = "50", description = "Oversized Acquires (50).")
  int big;

  @Option(names = "--big-mib", defaultValue = "10", description = "Their metadata, MiB (10).")
  int bigMib;

  @Option(
      names = "--seed-dones",
      defaultValue = "6000",
      description =
          "Names marked done first, for the streams to read from the start (6000: two catch-up"
              + " pages, more than a client's 1 MiB flow-control window).")
  int seedDones;

  @Option(
      names = "--name-length",
      defaultValue = "255",
      description = "Characters per seeded name (255, the most).")
  int nameLength;

  @Option(
      names = "--hold-seconds",
      defaultValue = "10",
      description = "How long everything stays open before the normal Acquire (10).")
  int holdSeconds;

  @Option(
      names = "--settle-seconds",
      defaultValue = "15",
      description = "Wait after closing everything before the last memory reading (15).")
  int settleSeconds;

  @Option(names = "--namespace", description = "Namespace (default abuse-<epoch seconds>).")
  String namespace;

  @Option(
      names = "--metrics",
      description =
          "The server's Prometheus endpoint, e.g. http://127.0.0.1:9090/metrics: prints the Watch"
              + " streams open and the names they were sent, at the end of the hold (default: none).")
  URI metrics;

  private final List<String> memoryLog = new ArrayList<>();
  private volatile double peakMiB = Double.NaN;

  private final PrintStream out;

  /** A run that prints its report to {@code out}. */
  public Abuse(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Abuse(System.out)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if ((container == null) == (pid <= 0)) {
      throw new IllegalArgumentException("give exactly one of --container and --pid");
    }
    if (nameLength < 1 || nameLength > 255) {
      throw new IllegalArgumentException("--name-length must be 1–255, got " + nameLength);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("--connections must be positive, got " + connections);
    }
    if (namespace == null) {
      namespace = "abuse-" + Instant.now().getEpochSecond();
    }
    out.printf(
        "# abuse of %s (%s): %,d connections, %,d unread Watch streams from the start of %,d names"
            + " of %d characters, %,d Acquires with %d MiB of metadata; started %s, load %.2f%n",
        target,
        container != null ? "container " + container : "pid " + pid,
        connections,
        streams,
        seedDones,
        nameLength,
        big,
        bigMib,
        Instant.now(),
        ServerProbe.loadAverage());
    double before = memory();
    ManagedChannel control = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    phase(DoneSeed.seed(V1Grpc.newFutureStub(control), namespace, seedDones, nameLength));
    control.shutdownNow();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(this::samplePeak, 0, 1, TimeUnit.SECONDS);
    List<ManagedChannel> channels = new ArrayList<>();
    List<ClientCall<WatchRequest, WatchResponse>> watches = new ArrayList<>();
    try {
      openConnections(channels);
      double sentBefore = watchFigure("accord_watch_names_sent_total");
      openUnreadStreams(channels, watches);
      sendOversized(channels);
      phase("holding");
      TimeUnit.SECONDS.sleep(holdSeconds);
      if (metrics != null) {
        out.printf(
            "# after the %d s hold: the server has %.0f Watch streams open and sent them %,.0f names"
                + " (%,d if every stream had every name)%n",
            holdSeconds,
            watchFigure("accord_watch_streams"),
            watchFigure("accord_watch_names_sent_total") - sentBefore,
            (long) streams * seedDones);
      }
      normalAcquire();
    } finally {
      for (ClientCall<WatchRequest, WatchResponse> watch : watches) {
        watch.cancel("abuse over", null);
      }
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      phase("closed everything; settling");
      TimeUnit.SECONDS.sleep(settleSeconds);
      sampler.shutdown();
      sampler.awaitTermination(60, TimeUnit.SECONDS);
    }
    double after = memory();
    out.printf(
        "%n| resident memory | MiB |%n|---|---|%n| before | %.0f |%n| peak (1 s samples) | %.0f |%n"
            + "| after (%d s settled) | %.0f |%n",
        before, peakMiB, settleSeconds, after);
    out.printf("%n# ended %s, load %.2f%n", Instant.now(), ServerProbe.loadAverage());
    out.println("# memory samples, 1 s apart (MiB): " + String.join(", ", memoryLog));
    return 0;
  }

  private void openConnections(List<ManagedChannel> channels) throws InterruptedException {
    long began = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      channel.getState(true);
      channels.add(channel);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int ready = 0;
    while (System.nanoTime() < deadline) {
      ready = 0;
      for (ManagedChannel channel : channels) {
        ConnectivityState state = channel.getState(true);
        ready += state == ConnectivityState.READY ? 1 : 0;
      }
      if (ready == connections) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    phase(
        String.format(
            "%,d of %,d connections ready in %.1f s",
            ready, connections, (System.nanoTime() - began) / 1e9));
  }

  /**
   * Watch calls from the start that never call {@code request}: the client takes no message, so
   * only flow control stops the server sending.
   */
  private void openUnreadStreams(
      List<ManagedChannel> channels, List<ClientCall<WatchRequest, WatchResponse>> watches) {
    Map<String, Integer> endings = new TreeMap<>();
    for (int s = 0; s < streams; s++) {
      ClientCall<WatchRequest, WatchResponse> call =
          channels.get(s % channels.size()).newCall(V1Grpc.getWatchMethod(), CallOptions.DEFAULT);
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(io.grpc.Status status, Metadata trailers) {
              synchronized (endings) {
                endings.merge(status.getCode().toString(), 1, Integer::sum);
              }
            }
          },
          new Metadata());
      call.sendMessage(
          WatchRequest.newBuilder().setNamespace(namespace).setFromStart(true).build());
      call.halfClose();
      watches.add(call);
    }
    phase(String.format("%,d unread Watch streams open (ended so far: %s)", streams, endings));
  }

  /** {@code big} Acquires at once, each with one metadata value of {@code bigMib} MiB. */
  private void sendOversized(List<ManagedChannel> channels) throws InterruptedException {
    String value = "m".repeat(bigMib * 1024 * 1024);
    Map<String, Integer> codes = new TreeMap<>();
    CountDownLatch answered = new CountDownLatch(big);
    long began = System.nanoTime();
    for (int b = 0; b < big; b++) {
      V1Grpc.V1FutureStub stub =
          V1Grpc.newFutureStub(channels.get(channels.size() - 1 - b % channels.size()))
              .withDeadlineAfter(60, TimeUnit.SECONDS);
      var answer =
          stub.acquire(
              AcquireRequest.newBuilder()
                  .setOwner("abuse")
                  .setNamespace(namespace)
                  .setName("big-" + b)
                  .setTtl(60)
                  .putMetadata("big", value)
                  .build());
      answer.addListener(
          () -> {
            String code;
            try {
              code = "OK " + answer.get().getStatus();
            } catch (Exception e) {
              code = io.grpc.Status.fromThrowable(e).getCode().toString();
            }
            synchronized (codes) {
              codes.merge(code, 1, Integer::sum);
            }
            answered.countDown();
          },
          Runnable::run);
    }
    boolean all = answered.await(120, TimeUnit.SECONDS);
    phase(
        String.format(
            "%,d Acquires of %d MiB answered in %.1f s%s: %s",
            big, bigMib, (System.nanoTime() - began) / 1e9, all ? "" : " (not all)", codes));
  }

  /** One Acquire on a new connection (connecting included), then ten more on it. */
  private void normalAcquire() {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      V1Grpc.V1BlockingStub stub = V1Grpc.newBlockingStub(channel);
      long[] nanos = new long[11];
      String[] answers = new String[11];
      for (int i = 0; i < nanos.length; i++) {
        long began = System.nanoTime();
        try {
          answers[i] =
              stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                  .acquire(
                      AcquireRequest.newBuilder()
                          .setOwner("abuse")
                          .setNamespace(namespace)
                          .setName("normal-" + i)
                          .setTtl(60)
                          .build())
                  .getStatus()
                  .toString();
        } catch (StatusRuntimeException e) {
          answers[i] = e.getStatus().getCode().toString();
        }
        nanos[i] = System.nanoTime() - began;
      }
      long[] rest = Arrays.copyOfRange(nanos, 1, nanos.length);
      Arrays.sort(rest);
      out.printf(
          "# normal Acquire after the abuse: first (new connection) %s in %.1f ms; next 10: %s,"
              + " median %.1f ms, max %.1f ms%n",
          answers[0],
          nanos[0] / 1e6,
          new TreeMap<>(count(Arrays.copyOfRange(answers, 1, answers.length))),
          rest[rest.length / 2] / 1e6,
          rest[rest.length - 1] / 1e6);
    } finally {
      channel.shutdownNow();
    }
  }

  private double watchFigure(String name) throws IOException, InterruptedException {
    if (metrics == null) {
      return Double.NaN;
    }
    return ServerProbe.sum(ServerProbe.scrape(metrics), name).orElse(Double.NaN);
  }

  private static Map<String, Integer> count(String[] answers) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String answer : answers) {
      counts.merge(answer, 1, Integer::sum);
    }
    return counts;
  }

  private void phase(String what) {
    out.printf("# %s — memory %.0f MiB%n", what, memoryOrNaN());
  }

  private synchronized void samplePeak() {
    double now = memoryOrNaN();
    if (!Double.isNaN(now) && (Double.isNaN(peakMiB) || now > peakMiB)) {
      peakMiB = now;
    }
    memoryLog.add(String.format("%.0f", now));
  }

  private double memoryOrNaN() {
    try {
      return memory();
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("cannot read the server's memory: " + e);
      return Double.NaN;
    }
  }

  private double memory() throws IOException, InterruptedException {
    OptionalDouble mib =
        container != null
            ? ServerProbe.residentMiBOfContainer(container)
            : ServerProbe.residentMiBOfPid(pid);
    return mib.orElse(Double.NaN);
  }
}
