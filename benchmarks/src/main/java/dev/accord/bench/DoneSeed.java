package dev.accord.bench;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Fills a namespace with done names through the V1 API, for Watch streams to read. */
final class DoneSeed {
  private static final int IN_FLIGHT = 64;

  private DoneSeed() {}

  /**
   * Acquires and marks done {@code count} names of {@code length} characters ("0xxx…", "1xxx…"),
   * {@value #IN_FLIGHT} at a time, as owner "abuse".
   *
   * @return one line saying how many and how long
   */
  static String seed(V1Grpc.V1FutureStub stub, String namespace, int count, int length)
      throws InterruptedException {
    long began = System.nanoTime();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicInteger failed = new AtomicInteger();
    String padding = "x".repeat(length);
    for (int i = 0; i < count; i++) {
      String id = Integer.toString(i);
      String name = id + padding.substring(id.length());
      inFlight.acquire();
      var acquired =
          stub.acquire(
              AcquireRequest.newBuilder()
                  .setOwner("abuse")
                  .setNamespace(namespace)
                  .setName(name)
                  .setTtl(60)
                  .build());
      acquired.addListener(
          () -> {
            try {
              AcquireResponse grant = acquired.get();
              if (grant.getStatus() != Status.OK) {
                throw new IllegalStateException(name + ": " + grant.getStatus());
              }
              var done =
                  stub.done(
                      DoneRequest.newBuilder()
                          .setOwner("abuse")
                          .setHandleId(grant.getHandle().getId())
                          .build());
              done.addListener(
                  () -> {
                    try {
                      done.get();
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                    inFlight.release();
                  },
                  Runnable::run);
            } catch (Exception e) {
              failed.incrementAndGet();
              inFlight.release();
            }
          },
          Runnable::run);
    }
    inFlight.acquire(IN_FLIGHT);
    return String.format(
        "seeded %,d done names in %.1f s (%d failed)",
        count, (System.nanoTime() - began) / 1e9, failed.get());
  }
}
