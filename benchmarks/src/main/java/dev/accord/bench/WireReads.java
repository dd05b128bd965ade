package dev.accord.bench;

import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A namespace's done names read from a running server with raw gRPC stubs, each on a connection of
 * its own, counted and dropped, no client cache: the wire's share of {@link CacheWarmTime}'s
 * timings. Each returns the number of names read.
 */
final class WireReads {

  /** Messages the client's done feed asks for ahead (DoneFeed.LIST_WINDOW). */
  private static final int LIST_WINDOW = 1_024;

  private WireReads() {}

  private static ListRequest listDone(String namespace) {
    return ListRequest.newBuilder()
        .setFilter(
            ListRequest.Filter.newBuilder()
                .setPrefix(namespace)
                .setStatus(ListRequest.Filter.Status.DONE))
        .build();
  }

  /** The List a client's cache warms from, counted and dropped, on a connection of its own. */
  static int listBlocking(String target, String namespace) throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      Iterator<Handle> done = V1Grpc.newBlockingStub(channel).list(listDone(namespace));
      int count = 0;
      while (done.hasNext()) {
        if (done.next().getNamespace().equals(namespace)) {
          count++;
        }
      }
      return count;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The same List, asking for 1,024 messages ahead, as the client's done feed does. */
  static int listAsync(String target, String namespace)
      throws InterruptedException, ExecutionException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      V1Grpc.newStub(channel)
          .list(
              listDone(namespace),
              new ClientResponseObserver<ListRequest, Handle>() {
                private ClientCallStreamObserver<ListRequest> call;
                private int count;
                private int sinceRequest;

                @Override
                public void beforeStart(ClientCallStreamObserver<ListRequest> call) {
                  this.call = call;
                  call.disableAutoRequestWithInitial(LIST_WINDOW);
                }

                @Override
                public void onNext(Handle handle) {
                  if (handle.getNamespace().equals(namespace)) {
                    count++;
                  }
                  if (++sinceRequest == LIST_WINDOW / 2) {
                    sinceRequest = 0;
                    call.request(LIST_WINDOW / 2);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  done.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                  done.complete(count);
                }
              });
      return done.get();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Watch from_start until {@code names} names have come; then cancelled. */
  static int watchFromStart(String target, String namespace, int names)
      throws InterruptedException, ExecutionException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      V1Grpc.newStub(channel)
          .watch(
              WatchRequest.newBuilder().setNamespace(namespace).setFromStart(true).build(),
              new ClientResponseObserver<WatchRequest, WatchResponse>() {
                private ClientCallStreamObserver<WatchRequest> call;
                private int count;

                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                  this.call = call;
                }

                @Override
                public void onNext(WatchResponse response) {
                  count += response.getNamesCount();
                  if (count >= names) {
                    done.complete(count);
                    call.cancel("got them all", null);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  done.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                  done.complete(count);
                }
              });
      return done.get();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
