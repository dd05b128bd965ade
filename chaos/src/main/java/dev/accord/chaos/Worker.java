package dev.accord.chaos;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker as Accord's users write them, over the raw V1 API so that every call is one recorded
 * call (no client-side retry hides anything): acquire one of the contended names, renew while
 * working, then release or mark done. Some workers stop renewing, keep the handle, and use it much
 * later (a paused process, a long GC); some abandon a lease; some use a handle again after its
 * done. Each call goes to either server, at random.
 */
public final class Worker implements Runnable {
  /** A grant this worker holds, or held. */
  private record Lease(String name, ByteString id, long token, int ttl) {
    String hex() {
      return HexFormat.of().formatHex(id.toByteArray());
    }
  }

  private final int process;
  private final String owner;
  private final Random random;
  private final History history;
  private final List<ServerNode> servers;
  private final NamePool names;
  private final String namespace;
  private final Duration deadline;
  private final CountDownLatch stop;
  private volatile RuntimeException failure;

  public Worker(
      int process,
      long seed,
      History history,
      List<ServerNode> servers,
      NamePool names,
      String namespace,
      Duration deadline,
      CountDownLatch stop) {
    this.process = process;
    this.owner = "worker-" + process;
    this.random = new Random(seed);
    this.history = history;
    this.servers = List.copyOf(servers);
    this.names = names;
    this.namespace = namespace;
    this.deadline = deadline;
    this.stop = stop;
  }

  @Override
  public void run() {
    try {
      while (stop.getCount() > 0) {
        round();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      System.err.println(owner + " failed: " + e);
    }
  }

  /** What ended the worker other than the stop, or null. */
  public RuntimeException failure() {
    return failure;
  }

  private void round() throws InterruptedException {
    String name = names.pick(random);
    int ttl = 1 + random.nextInt(3);
    Lease lease = acquire(name, ttl);
    if (lease == null) {
      pause(20 + random.nextInt(150));
      return;
    }
    int plan = random.nextInt(100);
    if (plan < 15) {
      comeBackLate(lease);
      return;
    }
    if (plan < 22) {
      pause(ttl * 1000L + random.nextInt(1000)); // abandoned: never used again
      return;
    }
    int renewals = random.nextInt(4);
    for (int i = 0; i < renewals; i++) {
      if (pause(ttl * 1000L / 3) || use(Op.RENEW, lease, ttl) != Outcome.OK) {
        return;
      }
    }
    if (random.nextInt(100) < 30) {
      if (use(Op.DONE, lease, 0) == Outcome.OK) {
        names.retire(name);
        if (random.nextInt(100) < 20) {
          use(random.nextBoolean() ? Op.RENEW : Op.DONE, lease, ttl); // must be refused
        }
      }
    } else {
      use(Op.RELEASE, lease, 0);
    }
  }

  /**
   * Stops renewing, keeping the handle, and uses it after somewhere between half its ttl and well
   * past it: refused if the lease was taken over meanwhile, accepted otherwise.
   */
  private void comeBackLate(Lease lease) throws InterruptedException {
    if (pause(lease.ttl() * 500L + random.nextInt(lease.ttl() * 1500 + 2000))) {
      return;
    }
    if (random.nextBoolean()) {
      if (use(Op.RENEW, lease, lease.ttl()) == Outcome.OK) {
        use(Op.RELEASE, lease, 0);
      }
    } else if (use(Op.DONE, lease, 0) == Outcome.OK) {
      names.retire(lease.name());
    }
  }

  /** The lease when granted; null otherwise. */
  private Lease acquire(String name, int ttl) {
    History.Invocation call = history.invoke(process, Op.ACQUIRE, namespace, name, "", 0, ttl);
    AcquireResponse response;
    try {
      response =
          stub()
              .acquire(
                  AcquireRequest.newBuilder()
                      .setOwner(owner)
                      .setNamespace(namespace)
                      .setName(name)
                      .setTtl(ttl)
                      .build());
    } catch (StatusRuntimeException e) {
      call.failed(classify(e), describe(e));
      return null;
    }
    switch (response.getStatus()) {
      case OK -> {
        Lease lease =
            new Lease(
                name,
                response.getHandle().getId(),
                Integer.toUnsignedLong(response.getHandle().getNumAcquired()),
                ttl);
        call.granted(lease.hex(), lease.token(), response.getHandle().getExpTms());
        return lease;
      }
      case HELD -> call.answered(Outcome.HELD);
      case DONE -> {
        call.answered(Outcome.DONE);
        names.retire(name);
      }
      default -> call.failed(Outcome.UNEXPECTED, "status " + response.getStatus());
    }
    return null;
  }

  /** Renews (ttl), releases (ttl 0) or marks done through {@code lease}'s handle. */
  private Outcome use(Op op, Lease lease, int ttl) {
    History.Invocation call =
        history.invoke(process, op, namespace, lease.name(), lease.hex(), lease.token(), ttl);
    try {
      if (op == Op.DONE) {
        stub().done(DoneRequest.newBuilder().setOwner(owner).setHandleId(lease.id()).build());
      } else {
        stub()
            .renew(
                RenewRequest.newBuilder()
                    .setOwner(owner)
                    .setHandleId(lease.id())
                    .setTtl(op == Op.RELEASE ? 0 : ttl)
                    .build());
      }
    } catch (StatusRuntimeException e) {
      Outcome outcome = classify(e);
      call.failed(outcome, describe(e));
      return outcome;
    }
    call.answered(Outcome.OK);
    return Outcome.OK;
  }

  private V1Grpc.V1BlockingStub stub() {
    ServerNode server = servers.get(random.nextInt(servers.size()));
    return V1Grpc.newBlockingStub(server.channel())
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Whether a failed call may have taken effect. UNAVAILABLE, DEADLINE_EXCEEDED and the like leave
   * it open (the server may have committed before the answer was lost); a refusal with a reason
   * wrote nothing. INTERNAL or UNKNOWN sent by the server is a bug by Accord's own contract; the
   * same codes made up by the client's own transport (it attaches the exception it met, such as
   * grpc-netty's "UNKNOWN: channel closed" when a killed server's connection dies under a write)
   * only say the answer was lost.
   */
  static Outcome classify(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, RESOURCE_EXHAUSTED, ABORTED ->
          Outcome.INDETERMINATE;
      case INTERNAL, UNKNOWN, DATA_LOSS ->
          isFromClientTransport(e) ? Outcome.INDETERMINATE : Outcome.UNEXPECTED;
      default -> Outcome.REFUSED;
    };
  }

  /** A status read from the server's trailers carries no cause; one the client made up does. */
  private static boolean isFromClientTransport(StatusRuntimeException e) {
    return e.getStatus().getCause() != null;
  }

  /** The status code and, when the server gave one, its ErrorInfo reason. */
  static String describe(StatusRuntimeException e) {
    String text = e.getStatus().getCode().name();
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status != null) {
      for (com.google.protobuf.Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          try {
            text += " " + detail.unpack(ErrorInfo.class).getReason();
          } catch (InvalidProtocolBufferException unreadable) {
            text += " (unreadable ErrorInfo)"; // the code alone still classifies the call
          }
        }
      }
    }
    if (e.getStatus().getCode() == io.grpc.Status.Code.INTERNAL
        || e.getStatus().getCode() == io.grpc.Status.Code.UNKNOWN) {
      text += ": " + e.getStatus().getDescription();
      if (isFromClientTransport(e)) {
        text += " (client transport: " + e.getStatus().getCause() + ")";
      }
    }
    return text;
  }

  /** Waits, or less once stopped; true when stopped. */
  private boolean pause(long millis) throws InterruptedException {
    return stop.await(millis, TimeUnit.MILLISECONDS);
  }
}
