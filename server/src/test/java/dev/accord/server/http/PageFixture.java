package dev.accord.server.http;

import dev.accord.server.CallSecurity;
import dev.accord.server.backend.AcquireAnswer;
import dev.accord.server.backend.AcquireCommand;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.DoneCommand;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.RenewCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A backend with resources in known states and the HTTP listener over it on a free port, with
 * requests to it.
 */
final class PageFixture implements AutoCloseable {
  private static final String OWNER = "page-test";

  final Backend backend;
  final HttpEndpoint endpoint;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  PageFixture(Backend backend, CallSecurity security, String metrics) throws IOException {
    this.backend = backend;
    this.endpoint =
        AccordHttp.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            backend,
            security,
            () -> metrics);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A resource under a running lease. */
  HandleId held(String namespace, String name) {
    AcquireAnswer answer =
        backend.acquire(new AcquireCommand(OWNER, namespace, name, 3600, Map.of(), ""));
    if (answer.outcome() != AcquireAnswer.Outcome.GRANTED) {
      throw new IllegalStateException(name + " was not granted: " + answer.outcome());
    }
    return answer.resource().handleId();
  }

  /** A resource marked done. */
  void done(String namespace, String name) {
    backend.done(new DoneCommand(OWNER, held(namespace, name), Map.of(), ""));
  }

  /** A held resource marked done. */
  void done(HandleId handle) {
    backend.done(new DoneCommand(OWNER, handle, Map.of(), ""));
  }

  /** A resource granted once and released: pending. */
  void pending(String namespace, String name) {
    pending(namespace, name, Map.of());
  }

  /** A pending resource the work loop gave up on after {@code attempts}. */
  void failed(String namespace, String name, String attempts, String lastError) {
    pending(
        namespace, name, Map.of("failed", "true", "attempts", attempts, "last_error", lastError));
  }

  private void pending(String namespace, String name, Map<String, String> metadata) {
    backend.renew(new RenewCommand(OWNER, held(namespace, name), 0, metadata, ""));
  }

  @Override
  public void close() {
    endpoint.close();
    backend.close();
  }
}
