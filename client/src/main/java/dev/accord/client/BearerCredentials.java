package dev.accord.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code authorization: Bearer TOKEN} with every call, the token taken afresh from its source
 * each time (a {@link TokenFile} follows rotation). A plaintext connection still carries it — a
 * laptop or a test needs no certificates — but a warning is logged once: anyone on the path can
 * read and replay the token, so TLS should be on wherever tokens are.
 */
final class BearerCredentials extends CallCredentials {
  private static final Logger log = LoggerFactory.getLogger(BearerCredentials.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> token;
  private final AtomicBoolean warnedPlaintext = new AtomicBoolean();

  BearerCredentials(Supplier<String> token) {
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo request, Executor executor, MetadataApplier applier) {
    if (request.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY
        && warnedPlaintext.compareAndSet(false, true)) {
      log.warn(
          "Sending the bearer token to {} without TLS: turn TLS on (ACCORD_TLS_CA_FILE) to keep it"
              + " secret",
          request.getAuthority());
    }
    // A token file is read off the transport's thread.
    executor.execute(() -> apply(applier));
  }

  private void apply(MetadataApplier applier) {
    String value;
    try {
      value = token.get();
    } catch (RuntimeException e) {
      applier.fail(
          Status.UNAUTHENTICATED.withDescription("no bearer token to send: " + e.getMessage()));
      return;
    }
    if (value == null || value.isBlank()) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("no bearer token to send: it is empty"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + value.strip());
    applier.apply(headers);
  }
}
