package dev.accord.chaos;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.chaos.Call.Op;
import dev.accord.chaos.Call.Outcome;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * One worker's calls made one at a time by a test script, each recorded in the history as the chaos
 * workers' are, so the same checker reads them.
 */
final class ScriptedClient {
  private static final long DEADLINE_MILLIS = 5_000;

  private final ManagedChannel channel;
  private final History history;
  private final int process;
  private final String owner;
  private final String namespace;

  ScriptedClient(ManagedChannel channel, History history, int process, String namespace) {
    this.channel = channel;
    this.history = history;
    this.process = process;
    this.owner = "script-" + process;
    this.namespace = namespace;
  }

  /** Acquires {@code name} for {@code ttl} seconds; the call as answered. */
  Call acquire(String name, int ttl) {
    History.Invocation call = history.invoke(process, Op.ACQUIRE, namespace, name, "", 0, ttl);
    try {
      AcquireResponse response =
          stub()
              .acquire(
                  AcquireRequest.newBuilder()
                      .setOwner(owner)
                      .setNamespace(namespace)
                      .setName(name)
                      .setTtl(ttl)
                      .build());
      switch (response.getStatus()) {
        case OK ->
            call.granted(
                HexFormat.of().formatHex(response.getHandle().getId().toByteArray()),
                Integer.toUnsignedLong(response.getHandle().getNumAcquired()),
                response.getHandle().getExpTms());
        case HELD -> call.answered(Outcome.HELD);
        case DONE -> call.answered(Outcome.DONE);
        default -> call.failed(Outcome.UNEXPECTED, "status " + response.getStatus());
      }
    } catch (StatusRuntimeException e) {
      call.failed(Worker.classify(e), Worker.describe(e));
    }
    return last();
  }

  /** Marks done through the handle {@code granted} (an acquire's call); the call as answered. */
  Call done(Call granted) {
    return use(Op.DONE, granted, 0);
  }

  /** Renews the handle {@code granted} for {@code ttl} seconds; the call as answered. */
  Call renew(Call granted, int ttl) {
    return use(Op.RENEW, granted, ttl);
  }

  private Call use(Op op, Call granted, int ttl) {
    History.Invocation call =
        history.invoke(
            process, op, namespace, granted.name(), granted.handle(), granted.token(), ttl);
    ByteString id = ByteString.copyFrom(HexFormat.of().parseHex(granted.handle()));
    try {
      if (op == Op.DONE) {
        stub()
            .done(
                DoneRequest.newBuilder()
                    .setOwner("script-" + granted.process())
                    .setHandleId(id)
                    .build());
      } else {
        stub()
            .renew(
                RenewRequest.newBuilder()
                    .setOwner("script-" + granted.process())
                    .setHandleId(id)
                    .setTtl(ttl)
                    .build());
      }
      call.answered(Outcome.OK);
    } catch (StatusRuntimeException e) {
      call.failed(Worker.classify(e), Worker.describe(e));
    }
    return last();
  }

  /** This client's latest call, completed. */
  private Call last() {
    Call latest = null;
    for (Call call : history.calls()) {
      if (call.process() == process) {
        latest = call;
      }
    }
    return latest;
  }

  private V1Grpc.V1BlockingStub stub() {
    return V1Grpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
  }
}
