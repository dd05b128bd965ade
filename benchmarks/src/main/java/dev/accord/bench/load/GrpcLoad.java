package dev.accord.bench.load;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Runs one cell through the generated blocking V1 stubs: {@code workers} threads, worker i on
 * channel i mod the number of channels, each looping over items until the cell ends. Every call is
 * timed into a shared HdrHistogram {@link Recorder} per call kind; the warm-up's interval is read
 * and dropped, the measured window's kept.
 *
 * <p>A closed loop: each worker sends its next call when the previous one answered, so latencies
 * are service times under that concurrency (no coordinated-omission correction; there is no target
 * rate to miss).
 */
final class GrpcLoad {
  /** No call may hang a cell: far above any latency seen, far below the run. */
  private static final long CALL_DEADLINE_SECONDS = 60;

  /** Workers finish the call in flight when the window ends; this bounds the wait for them. */
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(CALL_DEADLINE_SECONDS + 30);

  /**
   * One cell's settings.
   *
   * @param names workload b: the contended names; workload c: the seeded list; workload a: unused
   */
  record Cell(
      Workload workload,
      int workers,
      String namespace,
      List<? extends Channel> channels,
      int ttlSeconds,
      String[] names,
      Duration warmup,
      Duration duration,
      long seed) {}

  private final Cell cell;
  private final Recorder acquire = new Recorder(3);
  private final Recorder done = new Recorder(3);
  private final Recorder release = new Recorder(3);
  private final Recorder item = new Recorder(3);
  private final LongAdder items = new LongAdder();
  private final LongAdder granted = new LongAdder();
  private final LongAdder held = new LongAdder();
  private final LongAdder doneAnswers = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile boolean stop;

  private GrpcLoad(Cell cell) {
    this.cell = cell;
  }

  static CellResult run(Cell cell, Mode mode) throws InterruptedException {
    return new GrpcLoad(cell).run(mode);
  }

  private CellResult run(Mode mode) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    SplittableRandom seeds = new SplittableRandom(cell.seed());
    List<Thread> threads = new ArrayList<>(cell.workers());
    for (int i = 0; i < cell.workers(); i++) {
      Worker worker =
          new Worker(i, cell.channels().get(i % cell.channels().size()), seeds.split(), go);
      Thread thread = new Thread(worker, "bench-worker-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    go.countDown();
    Thread.sleep(cell.warmup().toMillis());
    // The warm-up's figures are read and dropped: the window starts here.
    long start = System.nanoTime();
    for (Recorder recorder : List.of(acquire, done, release, item)) {
      recorder.reset();
    }
    long items0 = items.sum();
    long granted0 = granted.sum();
    long held0 = held.sum();
    long done0 = doneAnswers.sum();
    Thread.sleep(cell.duration().toMillis());
    var acquireHistogram = acquire.getIntervalHistogram();
    var doneHistogram = done.getIntervalHistogram();
    var releaseHistogram = release.getIntervalHistogram();
    var itemHistogram = item.getIntervalHistogram();
    long measured = items.sum() - items0;
    long end = System.nanoTime();
    Map<String, Long> answers = new LinkedHashMap<>();
    answers.put("ok", granted.sum() - granted0);
    answers.put("held", held.sum() - held0);
    answers.put("done", doneAnswers.sum() - done0);
    stop = true;
    long joinDeadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
      if (thread.isAlive()) {
        error(
            "worker "
                + thread.getName()
                + " still in a call "
                + JOIN_TIMEOUT.toSeconds()
                + " s after the end");
      }
    }
    double seconds = (end - start) / 1e9;
    Map<String, Latency> latency = new LinkedHashMap<>();
    latency.put("item", Latency.of(itemHistogram));
    latency.put("acquire", Latency.of(acquireHistogram));
    if (cell.workload() == Workload.B) {
      latency.put("release", Latency.of(releaseHistogram));
    } else {
      latency.put("done", Latency.of(doneHistogram));
    }
    return new CellResult(
        cell.workload().id,
        cell.workers(),
        mode.id,
        CellResult.OK,
        null,
        cell.namespace(),
        seconds,
        measured,
        measured / seconds,
        errors.sum(),
        firstError.get(),
        answers,
        latency,
        Map.of());
  }

  private void error(String message) {
    errors.increment();
    firstError.compareAndSet(null, message);
  }

  private final class Worker implements Runnable {
    private final V1Grpc.V1BlockingStub stub;
    private final String owner;
    private final SplittableRandom random;
    private final CountDownLatch go;
    private long sequence;
    private int position;

    Worker(int index, Channel channel, SplittableRandom random, CountDownLatch go) {
      this.stub = V1Grpc.newBlockingStub(channel);
      this.owner = "bench-worker-" + index;
      this.random = random;
      this.go = go;
      if (cell.workload() == Workload.C) {
        position = random.nextInt(cell.names().length);
      }
    }

    @Override
    public void run() {
      try {
        go.await();
      } catch (InterruptedException e) {
        return;
      }
      while (!stop) {
        try {
          item();
        } catch (StatusRuntimeException e) {
          error(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        } catch (RuntimeException e) {
          error(e.toString());
        }
      }
    }

    private String nextName() {
      return switch (cell.workload()) {
        case A -> owner + "-" + sequence++;
        case B -> cell.names()[random.nextInt(cell.names().length)];
        case C -> {
          String name = cell.names()[position];
          position = (position + 1) % cell.names().length;
          yield name;
        }
        case D -> throw new IllegalStateException("workload d runs worker processes: LoopFleet");
      };
    }

    private void item() {
      AcquireRequest request =
          AcquireRequest.newBuilder()
              .setOwner(owner)
              .setNamespace(cell.namespace())
              .setName(nextName())
              .setTtl(cell.ttlSeconds())
              .build();
      long start = System.nanoTime();
      AcquireResponse answer =
          stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS).acquire(request);
      long acquired = System.nanoTime();
      acquire.recordValue(acquired - start);
      long end = acquired;
      switch (answer.getStatus()) {
        case OK -> {
          granted.increment();
          ByteString handle = answer.getHandle().getId();
          if (cell.workload() == Workload.B) {
            stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .renew(
                    RenewRequest.newBuilder()
                        .setOwner(owner)
                        .setHandleId(handle)
                        .setTtl(0)
                        .build());
            end = System.nanoTime();
            release.recordValue(end - acquired);
          } else {
            stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .done(DoneRequest.newBuilder().setOwner(owner).setHandleId(handle).build());
            end = System.nanoTime();
            done.recordValue(end - acquired);
          }
        }
        case HELD -> held.increment();
        case DONE -> doneAnswers.increment();
        default -> throw new IllegalStateException("unknown acquire status " + answer.getStatus());
      }
      item.recordValue(end - start);
      items.increment();
    }
  }
}
