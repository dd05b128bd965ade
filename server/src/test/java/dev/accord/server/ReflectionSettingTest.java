package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ACCORD_REFLECTION: server reflection answers when on, and is not there when off. */
class ReflectionSettingTest {
  @Test
  void reflectionListsTheServicesWhenOnAndIsUnimplementedWhenOff() throws Exception {
    assertThat(listServices(true)).isEqualTo(Status.Code.OK);
    assertThat(listServices(false)).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  /** The outcome of one reflection list_services on a server started with {@code reflection}. */
  private static Status.Code listServices(boolean reflection) throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (AccordServer server =
        AccordServer.start(
            InProcessServerBuilder.forName(name),
            new MemoryBackend(),
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            new CallSecurity(List.of(), null, reflection))) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        CompletableFuture<Status.Code> outcome = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
            ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ServerReflectionResponse response) {
                        outcome.complete(
                            response.hasListServicesResponse()
                                ? Status.Code.OK
                                : Status.Code.INTERNAL);
                      }

                      @Override
                      public void onError(Throwable t) {
                        outcome.complete(Status.fromThrowable(t).getCode());
                      }

                      @Override
                      public void onCompleted() {}
                    });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        Status.Code code = outcome.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return code;
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
