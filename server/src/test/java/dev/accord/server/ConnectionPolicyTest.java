package dev.accord.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.api.InputLimits;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.ClaimResponse;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP transport's limits over a real socket: the largest valid request passes, a larger message
 * is refused before it is read, and the server serves normally afterwards. (The transport policy
 * does not depend on the backend: the memory one keeps the test to it.)
 */
class ConnectionPolicyTest {
  private AccordServer server;
  private ManagedChannel channel;
  private V1Grpc.V1BlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            new MemoryBackend(),
            4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    stub = V1Grpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdown();
  }

  @Test
  void theLargestValidClaimPassesTheMessageLimit() {
    // 255 characters of 4 UTF-8 bytes each (U+1F600, two UTF-16 units) per name.
    String longest = "\uD83D\uDE00".repeat(InputLimits.MAX_NAME_CHARS - 4);
    ClaimRequest.Builder claim =
        ClaimRequest.newBuilder()
            .setOwner("o".repeat(InputLimits.MAX_OWNER_CHARS))
            .setNamespace("n".repeat(InputLimits.MAX_NAMESPACE_CHARS))
            .setMax(1)
            .setTtl(60);
    for (int i = 0; i < InputLimits.MAX_CLAIM_NAMES; i++) {
      claim.addNames(String.format("%04d", i) + longest);
    }
    claim.putMetadata("k", "v".repeat(InputLimits.MAX_METADATA_BYTES - 1));
    assertThat(claim.build().getSerializedSize())
        .isLessThanOrEqualTo(InputLimits.MAX_REQUEST_BYTES);

    ClaimResponse response = stub.claim(claim.build());

    assertThat(response.getGrantedCount()).isEqualTo(1);
  }

  @Test
  void aTenMegabyteMessageIsRefusedAndTheServerServesOnAfterwards() {
    AcquireRequest huge =
        AcquireRequest.newBuilder()
            .setOwner("mallory")
            .setNamespace("limits")
            .setName("file-1")
            .setTtl(60)
            .putMetadata("k", "x".repeat(10 * 1024 * 1024))
            .build();

    assertThatThrownBy(() -> stub.acquire(huge))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    AcquireResponse normal =
        stub.acquire(
            AcquireRequest.newBuilder()
                .setOwner("alice")
                .setNamespace("limits")
                .setName("file-1")
                .setTtl(60)
                .build());
    assertThat(normal.getStatus()).isEqualTo(dev.accord.api.v1.Status.OK);
  }
}
