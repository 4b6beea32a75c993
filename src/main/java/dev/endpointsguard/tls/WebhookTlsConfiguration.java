package dev.endpointsguard.tls;

import io.quarkus.tls.BaseTlsConfiguration;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLOptions;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The TLS configuration the HTTPS server is built from: key material comes from the {@link
 * LiveKeyManager}, so the server's SSL context is built once and never replaced (replacing it is
 * what dropped handshakes during a reload). It never asks to be reloaded; the {@link PairReloader}
 * swaps the pair underneath.
 */
final class WebhookTlsConfiguration extends BaseTlsConfiguration {

  private final LiveKeyManager keyManager;
  private final KeyCertOptions keyCertOptions;

  WebhookTlsConfiguration(LiveKeyManager keyManager) {
    this.keyManager = keyManager;
    this.keyCertOptions = KeyCertOptions.wrap(keyManager);
  }

  @Override
  public KeyCertOptions getKeyStoreOptions() {
    return keyCertOptions;
  }

  /** A snapshot of what is served now, for code that reads key stores. */
  @Override
  public KeyStore getKeyStore() {
    return keyManager
        .current()
        .map(
            pair -> {
              try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("webhook", pair.key(), new char[0], pair.chain());
                return store;
              } catch (Exception e) {
                throw new IllegalStateException("Cannot copy the served pair into a key store", e);
              }
            })
        .orElse(null);
  }

  /** The TLS registry's own defaults: TLS 1.3 and 1.2, ALPN, a 10 s handshake timeout. */
  @Override
  public SSLOptions getSSLOptions() {
    return new SSLOptions()
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
        .setUseAlpn(true)
        .setSslHandshakeTimeout(10)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
  }
}
