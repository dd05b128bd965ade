package dev.accord.bench.load;

import dev.accord.client.AccordClient;
import dev.accord.client.WorkLoop;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One worker process of workload d, as a pod runs one: an {@link AccordClient} with a {@link
 * WorkLoop} of T threads over the shared list "0" … "N-1" (from its own starting point, as the
 * demo's workers walk it), W ms of sleep per resource. Started by {@link LoopFleet}; speaks to it
 * on stdin and stdout.
 *
 * <p>Before it says READY it runs a loop over 200 names of a namespace of its own with no work, so
 * the measured loop times the path, not the JVM's class loading; its client is closed, so the
 * measured one starts with an empty done-cache and a new connection.
 *
 * <p>Arguments: target namespace owner threads workMs names first. It builds its client, prints
 * {@code READY}, waits for {@code GO} on stdin, runs the loop and prints {@code RESULT done held
 * skipped failed histogram}: the histogram (base64 of HdrHistogram's compressed form, nanoseconds)
 * holds each item's time, from the start of the thread's previous task (or GO) to the start of this
 * one: its share of the work, the done and the claim.
 */
public final class LoopWorker {
  private LoopWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: LoopWorker target namespace owner threads workMs names first");
      System.exit(2);
    }
    String target = args[0];
    String namespace = args[1];
    String owner = args[2];
    int threads = Integer.parseInt(args[3]);
    long workMillis = Long.parseLong(args[4]);
    int count = Integer.parseInt(args[5]);
    int first = Integer.parseInt(args[6]);
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(Integer.toString((first + i) % count));
    }
    warmUp(target, namespace + "-warmup", owner, threads);
    Histogram items = new Histogram(3);
    try (AccordClient client =
        AccordClient.builder()
            .target(target)
            .namespace(namespace)
            .owner(owner)
            .ttl(Duration.ofSeconds(30))
            .build()) {
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) {
        return;
      }
      long go = System.nanoTime();
      ThreadLocal<long[]> previous = ThreadLocal.withInitial(() -> new long[] {go});
      WorkLoop.Progress result =
          client
              .workLoop(
                  threads,
                  lease -> {
                    long now = System.nanoTime();
                    long[] last = previous.get();
                    synchronized (items) {
                      items.recordValue(now - last[0]);
                    }
                    last[0] = now;
                    if (workMillis > 0) {
                      Thread.sleep(workMillis);
                    }
                  })
              .run(names);
      ByteBuffer buffer = ByteBuffer.allocate(items.getNeededByteBufferCapacity());
      int length = items.encodeIntoCompressedByteBuffer(buffer);
      String histogram = Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
      System.out.println(
          "RESULT "
              + result.done()
              + " "
              + result.heldByOthers()
              + " "
              + result.skipped()
              + " "
              + result.failed()
              + " "
              + histogram);
      System.out.flush();
    }
  }

  private static void warmUp(String target, String namespace, String owner, int threads)
      throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      names.add("warm-" + i);
    }
    try (AccordClient client =
        AccordClient.builder().target(target).namespace(namespace).owner(owner).build()) {
      client.workLoop(threads, lease -> {}).run(names);
    }
  }
}
