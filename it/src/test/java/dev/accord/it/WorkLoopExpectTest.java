package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.api.admin.AdminGrpc;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.StatsRequest;
import dev.accord.client.AccordClient;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.grpc.AccordV1Service;
import dev.accord.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A work loop declares its sweep's total to a real server on PostgreSQL, so the server's progress
 * has the whole sweep as its measure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkLoopExpectTest {
  private AccordServer server;
  private ManagedChannel channel;

  @BeforeAll
  void startServer() throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            PostgresBackend.open(TestPostgres.newDatabase(16)),
            32,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  void stopServer() {
    channel.shutdownNow();
    server.shutdown();
  }

  @Test
  void aRunOverAListDeclaresItsSizeWhichTheServerStatsShow() throws Exception {
    List<String> names = IntStream.range(0, 25).mapToObj(i -> "file-" + i).toList();
    try (AccordClient client = client("expect-list")) {
      WorkLoop.Progress result = client.workLoop(4, lease -> {}).run(names);
      assertThat(result.done()).isEqualTo(25);
    }

    NamespaceStats stats = stats("expect-list");
    assertThat(stats.getExpected()).isEqualTo(25);
    assertThat(stats.getDone()).isEqualTo(25);
  }

  @Test
  void anExplicitTotalIsDeclaredForASourceOfUnknownSize() throws Exception {
    try (AccordClient client = client("expect-stream")) {
      client
          .workLoop(2, lease -> {})
          .expect(1_000)
          .run(IntStream.range(0, 10).mapToObj(i -> "part-" + i));
    }

    NamespaceStats stats = stats("expect-stream");
    assertThat(stats.getExpected()).isEqualTo(1_000);
    assertThat(stats.getDone()).isEqualTo(10);
  }

  @Test
  void aServerWithoutExpectIsToldOfThroughTheListenerAndTheLoopStillRuns() throws Exception {
    ScheduledExecutorService watches = Executors.newSingleThreadScheduledExecutor();
    String name = InProcessServerBuilder.generateName();
    Server older =
        InProcessServerBuilder.forName(name)
            .addService(new AccordV1Service(new MemoryBackend(), watches))
            .build()
            .start();
    List<String> errors = new CopyOnWriteArrayList<>();
    try (AccordClient client =
        AccordClient.builder()
            .channel(InProcessChannelBuilder.forName(name).build())
            .owner("worker")
            .namespace("expect-older")
            .listener(
                new AccordClient.Listener() {
                  @Override
                  public void backgroundError(String what, Throwable error) {
                    errors.add(what + ": " + Status.fromThrowable(error).getCode());
                  }
                })
            .build()) {
      WorkLoop.Progress result = client.workLoop(2, lease -> {}).run(List.of("a", "b", "c"));

      assertThat(result.done()).isEqualTo(3);
    } finally {
      older.shutdownNow();
      watches.shutdownNow();
    }
    assertThat(errors).containsExactly("declaring 3 resources in \"expect-older\": UNIMPLEMENTED");
  }

  private AccordClient client(String namespace) {
    return AccordClient.builder()
        .target("127.0.0.1:" + server.port())
        .owner("worker")
        .namespace(namespace)
        .callDeadline(Duration.ofSeconds(20))
        .build();
  }

  private NamespaceStats stats(String namespace) {
    return AdminGrpc.newBlockingStub(channel)
        .stats(StatsRequest.newBuilder().setNamespace(namespace).build());
  }
}
