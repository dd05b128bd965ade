package dev.accord.chaos;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Asks the server for a fresh name every {@code PERIOD_MILLIS}, with a 1 s deadline, into the
 * history as process 0: the first acquire granted after the primary died is when the server
 * followed the failover, and the probes in between show what clients saw meanwhile.
 */
final class Prober implements Runnable {
  static final int PROCESS = 0;
  private static final long PERIOD_MILLIS = 50;
  private static final long DEADLINE_MILLIS = 1_000;

  private final ManagedChannel channel;
  private final History history;
  private final String namespace;
  private volatile boolean stopped;

  Prober(ManagedChannel channel, History history, String namespace) {
    this.channel = channel;
    this.history = history;
    this.namespace = namespace;
  }

  @Override
  public void run() {
    for (int i = 0; !stopped; i++) {
      String name = "probe-" + i;
      History.Invocation call = history.invoke(PROCESS, Op.ACQUIRE, namespace, name, "", 0, 1);
      try {
        AcquireResponse response =
            V1Grpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                .acquire(
                    AcquireRequest.newBuilder()
                        .setOwner("prober")
                        .setNamespace(namespace)
                        .setName(name)
                        .setTtl(1)
                        .build());
        if (response.getStatus() == Status.OK) {
          call.granted(
              HexFormat.of().formatHex(response.getHandle().getId().toByteArray()),
              Integer.toUnsignedLong(response.getHandle().getNumAcquired()),
              response.getHandle().getExpTms());
        } else {
          call.failed(Outcome.UNEXPECTED, "a fresh name answered " + response.getStatus());
        }
      } catch (StatusRuntimeException e) {
        call.failed(Worker.classify(e), e.getStatus().getCode().name());
      }
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void stop() {
    stopped = true;
  }
}
