package dev.accord.server.http;

import dev.accord.server.CallSecurity;
import dev.accord.server.backend.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What the server answers over HTTP: {@code /metrics} (Prometheus text from the supplier given) and
 * the progress page, which follows the gRPC API's authentication and access rules.
 */
public final class AccordHttp {
  /** The content type of Prometheus' text exposition format. */
  public static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private AccordHttp() {}

  /**
   * Starts listening on {@code listen} (port 0: any free port).
   *
   * @param metrics the body of {@code /metrics}, produced anew for each scrape
   * @throws IOException when it cannot listen there
   */
  public static HttpEndpoint start(
      InetSocketAddress listen, Backend backend, CallSecurity security, Supplier<String> metrics)
      throws IOException {
    EventStreams streams = new EventStreams(ProgressSampler.INTERVAL);
    ProgressSite site = new ProgressSite(backend, new PageAccess(security), streams);
    Routes routes =
        new Routes()
            .exact(
                "/metrics",
                exchange ->
                    Replies.send(
                        exchange,
                        200,
                        METRICS_TYPE,
                        metrics.get().getBytes(StandardCharsets.UTF_8)))
            .exact("/", site::overview)
            .exact("/events", site::overviewEvents)
            .prefix(ProgressSite.NAMESPACES, site::namespace)
            .prefix(ProgressSite.ASSETS, site::asset);
    return HttpEndpoint.start(listen, routes, streams::close);
  }
}
