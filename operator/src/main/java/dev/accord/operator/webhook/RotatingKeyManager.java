package dev.accord.operator.webhook;

import dev.accord.certs.IssuedCertificate;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS server's key manager that serves the certificate installed last; a renewed one takes over
 * for new handshakes. Each certificate has its own alias, and the previous one stays known, so a
 * handshake that began before a switch still finds its chain and key.
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {
  private final AtomicInteger generation = new AtomicInteger();
  private final Map<String, X509ExtendedKeyManager> byAlias = new ConcurrentHashMap<>();
  private volatile String currentAlias;

  /**
   * Serves {@code serving} (with its issuer's certificate as the chain) from the next handshake on.
   */
  void install(IssuedCertificate serving) {
    String alias = "serving-" + generation.incrementAndGet();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry(alias, serving.privateKey(), password, serving.chain());
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      byAlias.put(alias, (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not load the webhook's serving certificate: " + e, e);
    }
    String previous = currentAlias;
    currentAlias = alias;
    List<String> stale = new ArrayList<>(byAlias.keySet());
    stale.remove(alias);
    stale.remove(previous);
    stale.forEach(byAlias::remove);
  }

  private X509ExtendedKeyManager current() {
    return byAlias.get(currentAlias);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current().chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current().getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    X509ExtendedKeyManager manager = byAlias.get(alias);
    return manager == null ? null : manager.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    X509ExtendedKeyManager manager = byAlias.get(alias);
    return manager == null ? null : manager.getPrivateKey(alias);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
