package dev.accord.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The standard gRPC health service of a server, and nothing else, in plaintext on a port of its own
 * ({@code ACCORD_HEALTH_LISTEN}). Kubernetes' built-in gRPC probes cannot speak TLS, so a server
 * whose API port is TLS answers them here. It tells only SERVING or NOT_SERVING per service name,
 * as the API port's health service does to anyone.
 */
final class PlaintextHealthEndpoint {
  private PlaintextHealthEndpoint() {}

  /**
   * Starts answering health checks for {@code server} on {@code listen} (port 0: any free port).
   *
   * @throws IOException when it cannot listen there
   */
  static Server start(InetSocketAddress listen, AccordServer server) throws IOException {
    return NettyServerBuilder.forAddress(listen, InsecureServerCredentials.create())
        .addService(server.healthService())
        .build()
        .start();
  }
}
