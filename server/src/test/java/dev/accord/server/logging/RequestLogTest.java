package dev.accord.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.RenewRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request log at DEBUG: one event per call, what it says, and what it never says. */
class RequestLogTest {
  private final Logger requests = (Logger) LoggerFactory.getLogger(RequestLog.LOGGER);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Level levelBefore;
  private AccordServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    levelBefore = requests.getLevel();
    requests.setLevel(Level.DEBUG);
    captured.start();
    requests.addAppender(captured);
    String name = InProcessServerBuilder.generateName();
    server =
        AccordServer.start(
            InProcessServerBuilder.forName(name),
            new MemoryBackend(),
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(60));
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdown();
    requests.detachAppender(captured);
    requests.setLevel(levelBefore);
  }

  @Test
  void eachCallIsOneDebugLineWithMethodNamespaceStatusDurationAndPeerAndNoMetadata() {
    V1Grpc.V1BlockingStub v1 = V1Grpc.newBlockingStub(channel);
    AcquireResponse granted =
        v1.acquire(
            AcquireRequest.newBuilder()
                .setOwner("worker-7")
                .setNamespace("logged-ns")
                .setName("item-1")
                .setTtl(60)
                .putMetadata("token", "s3cr3t-value")
                .build());
    v1.renew(
        RenewRequest.newBuilder()
            .setOwner("worker-7")
            .setHandleId(granted.getHandle().getId())
            .setTtl(60)
            .putMetadata("token", "s3cr3t-value")
            .build());

    List<ILoggingEvent> events = captured.list;
    assertThat(events).hasSize(2);
    ILoggingEvent acquire = events.get(0);
    assertThat(acquire.getLevel()).isEqualTo(Level.DEBUG);
    assertThat(acquire.getFormattedMessage())
        .startsWith(
            V1Grpc.getAcquireMethod().getFullMethodName() + " namespace=logged-ns status=OK")
        .contains(" ms peer=");
    Map<String, Object> fields = fields(acquire);
    assertThat(fields)
        .containsEntry("method", V1Grpc.getAcquireMethod().getFullMethodName())
        .containsEntry("namespace", "logged-ns")
        .containsEntry("status", "OK")
        .containsKeys("duration_ms", "peer");
    assertThat(events.get(1).getFormattedMessage())
        .startsWith(V1Grpc.getRenewMethod().getFullMethodName() + " namespace=- status=OK");

    String callId = acquire.getMDCPropertyMap().get(RequestLog.CALL_ID);
    assertThat(callId).matches("[0-9a-f]{16}");
    assertThat(events.get(1).getMDCPropertyMap().get(RequestLog.CALL_ID))
        .matches("[0-9a-f]{16}")
        .isNotEqualTo(callId);
    for (ILoggingEvent event : events) {
      String everything = event.getFormattedMessage() + fields(event) + event.getMDCPropertyMap();
      assertThat(everything).doesNotContain("s3cr3t-value").doesNotContain("worker-7");
    }
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream()
        .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
  }
}
