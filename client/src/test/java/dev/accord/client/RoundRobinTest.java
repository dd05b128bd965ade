package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.StatusOr;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A target that resolves to several servers (a headless Service's pods) is balanced round-robin.
 * Runs with the client's own classpath, as a worker's would be, against two stand-in servers that
 * count what reaches them.
 */
class RoundRobinTest {
  private static final String SCHEME = "accord-rr-test";

  @Test
  void callsAreSpreadOverEveryAddressTheTargetResolvesTo() throws Exception {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    Server one = countingServer(first);
    Server two = countingServer(second);
    StaticAddresses addresses =
        new StaticAddresses(
            List.of(
                new InetSocketAddress("127.0.0.1", one.getPort()),
                new InetSocketAddress("127.0.0.1", two.getPort())));
    NameResolverRegistry.getDefaultRegistry().register(addresses);
    try (AccordClient client =
        AccordClient.builder()
            .target(SCHEME + ":///two-servers:7475")
            .owner("alice")
            .doneCache(false)
            .build()) {
      AtomicInteger calls = new AtomicInteger();
      // Round-robin spreads calls over every server it has connected to; connecting takes a moment.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                client.acquire("file-" + calls.incrementAndGet());
                return first.get() > 0 && second.get() > 0;
              });
      assertThat(first.get() + second.get()).isEqualTo(calls.get());
    } finally {
      NameResolverRegistry.getDefaultRegistry().deregister(addresses);
      one.shutdownNow();
      two.shutdownNow();
    }
  }

  /** Answers every acquire HELD, counting them. */
  private static Server countingServer(AtomicInteger acquires) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(
            new V1Grpc.V1ImplBase() {
              @Override
              public void acquire(
                  AcquireRequest request, StreamObserver<AcquireResponse> response) {
                acquires.incrementAndGet();
                response.onNext(AcquireResponse.newBuilder().setStatus(Status.HELD).build());
                response.onCompleted();
              }
            })
        .build()
        .start();
  }

  /**
   * Resolves a target to fixed addresses; lowest priority, so it never becomes the default scheme.
   */
  private static final class StaticAddresses extends NameResolverProvider {
    private final List<EquivalentAddressGroup> groups;

    StaticAddresses(List<InetSocketAddress> addresses) {
      this.groups = addresses.stream().map(EquivalentAddressGroup::new).toList();
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 0;
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
      if (!SCHEME.equals(target.getScheme())) {
        return null;
      }
      return new NameResolver() {
        @Override
        public String getServiceAuthority() {
          return "two-servers";
        }

        @Override
        public void start(Listener2 listener) {
          listener.onResult(
              ResolutionResult.newBuilder()
                  .setAddressesOrError(StatusOr.fromValue(groups))
                  .build());
        }

        @Override
        public void shutdown() {}
      };
    }
  }
}
