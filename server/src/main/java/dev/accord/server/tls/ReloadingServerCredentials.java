package dev.accord.server.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS credentials, re-read from their files while the server runs: a rotated
 * certificate (or client CA) serves new connections from the next check on, without a restart;
 * connections already open keep the certificate they began with.
 *
 * <p>grpc-java's {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} hold the
 * material and swap it atomically; their own file reloading is not used because it checks at most
 * once a minute and swaps a certificate and key without checking they belong together, so a
 * rotation that writes the two files one after the other could serve a mismatched pair. Here the
 * files are compared by content every {@code period}, and a new pair is taken only once the key
 * matches the certificate; anything unreadable keeps the last good material and logs why.
 */
public final class ReloadingServerCredentials implements AutoCloseable {
  /** How often the files are checked unless told otherwise. */
  public static final Duration DEFAULT_RELOAD_PERIOD = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ReloadingServerCredentials.class);

  private final TlsSettings settings;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  private final ScheduledExecutorService reloader;
  private final ServerCredentials credentials;
  private byte[] loadedCert = new byte[0];
  private byte[] loadedKey = new byte[0];
  private byte[] loadedClientCa = new byte[0];
  private String lastFailure;

  private ReloadingServerCredentials(TlsSettings settings) throws GeneralSecurityException {
    this.settings = settings;
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (settings.clientCertificatesRequired()) {
      trustManager =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
              .build();
      builder.trustManager(trustManager).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    } else {
      trustManager = null;
    }
    this.credentials = builder.build();
    this.reloader =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-tls-reload");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reads the files now and then every {@code period}.
   *
   * @throws IllegalArgumentException naming the variable whose file is unreadable or malformed
   */
  public static ReloadingServerCredentials start(TlsSettings settings, Duration period) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("TLS is not configured: no certificate file is set");
    }
    ReloadingServerCredentials credentials;
    try {
      credentials = new ReloadingServerCredentials(settings);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
    credentials.load();
    long millis = period.toMillis();
    credentials.reloader.scheduleWithFixedDelay(
        credentials::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
    return credentials;
  }

  /** What {@code AccordServer.tcp} listens with. */
  public ServerCredentials credentials() {
    return credentials;
  }

  /** Reads every file and takes what changed; throws what is wrong, keeping the last good. */
  private synchronized void load() {
    byte[] cert = TlsSettings.read(settings.certFile(), TlsSettings.CERT);
    byte[] key = TlsSettings.read(settings.keyFile(), TlsSettings.KEY);
    if (!Arrays.equals(cert, loadedCert) || !Arrays.equals(key, loadedKey)) {
      X509Certificate[] chain =
          PemFiles.certificates(cert, TlsSettings.describe(TlsSettings.CERT, settings.certFile()));
      PrivateKey privateKey =
          PemFiles.privateKey(
              key, TlsSettings.describe(TlsSettings.KEY, settings.keyFile()), chain[0]);
      keyManager.updateIdentityCredentials(chain, privateKey);
      boolean first = loadedCert.length == 0;
      loadedCert = cert;
      loadedKey = key;
      if (!first) {
        log.info(
            "TLS: serving the new certificate {} (valid until {})",
            chain[0].getSubjectX500Principal(),
            chain[0].getNotAfter().toInstant());
      }
    }
    if (trustManager != null) {
      Path caFile = settings.clientCaFile();
      byte[] clientCa = TlsSettings.read(caFile, TlsSettings.CLIENT_CA);
      if (!Arrays.equals(clientCa, loadedClientCa)) {
        X509Certificate[] authorities =
            PemFiles.certificates(clientCa, TlsSettings.describe(TlsSettings.CLIENT_CA, caFile));
        try {
          trustManager.updateTrustCredentials(authorities);
        } catch (java.io.IOException | GeneralSecurityException e) {
          throw new IllegalArgumentException(
              TlsSettings.CLIENT_CA + ": cannot trust " + caFile + ": " + e.getMessage(), e);
        }
        boolean first = loadedClientCa.length == 0;
        loadedClientCa = clientCa;
        if (!first) {
          log.info("TLS: trusting the new client CA file {}", caFile);
        }
      }
    }
  }

  /** A reload on the schedule: a failure is logged once per distinct cause and retried. */
  private synchronized void reloadQuietly() {
    try {
      load();
      lastFailure = null;
    } catch (RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(lastFailure)) {
        log.warn("TLS: keeping the current certificates: {}", failure);
        lastFailure = failure;
      }
    }
  }

  /** Stops checking the files; the credentials keep serving what they last loaded. */
  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
