package dev.accord.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an {@link AccordClient.Builder} has gathered, each value already checked by its setter, and
 * the channels those settings describe.
 */
final class ClientSettings {
  String target;
  boolean httpsTarget;
  ClientTls tls;
  ManagedChannel channel;
  AutoCloseable onClose;
  String owner = ClientEnvironment.defaultOwner();
  String namespace = "";
  Duration ttl = AccordClient.DEFAULT_TTL;
  Map<String, String> defaultMetadata = Map.of();
  Duration callDeadline = AccordClient.DEFAULT_CALL_DEADLINE;
  AccordClient.Listener listener = new AccordClient.Listener() {};
  boolean doneCache = true;
  CallCredentials credentials;
  ClientInterceptor tracing;

  /** A Micrometer MeterRegistry, typed Object so that a client without one never loads it. */
  Object meterRegistry;

  /** The client's connection: the given channel, or one to the target; traced when asked. */
  ManagedChannel connection() {
    ManagedChannel connection =
        channel != null ? channel : connect(requireTarget(), ClientTls.transport(tls, httpsTarget));
    return tracing == null ? connection : new InterceptedChannel(connection, tracing);
  }

  /** A channel to the target that also sends the bearer token with every call. */
  ManagedChannel channelWithCredentials() {
    ChannelCredentials transport = ClientTls.transport(tls, httpsTarget);
    return connect(
        requireTarget(),
        credentials == null
            ? transport
            : CompositeChannelCredentials.create(transport, credentials));
  }

  private String requireTarget() {
    if (target == null) {
      throw new IllegalStateException(
          "set a target (or " + AccordClient.ENV_TARGET + " with builderFromEnvironment)");
    }
    return target;
  }

  /** A plaintext {@link #connect(String, ChannelCredentials)}. */
  static ManagedChannel connect(String target) {
    return connect(target, InsecureChannelCredentials.create());
  }

  /**
   * A channel to {@code target} speaking {@code credentials} (TLS or plaintext): round-robin over
   * every address the target resolves to, with keepalives so a connection that died silently is
   * noticed.
   */
  static ManagedChannel connect(String target, ChannelCredentials credentials) {
    return Grpc.newChannelBuilder(target, credentials)
        .defaultLoadBalancingPolicy("round_robin")
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }
}
