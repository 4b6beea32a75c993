package dev.endpointsguard.tls;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The certificate the admission server serves. The TLS registry re-reads the PEM files every reload
 * period and the HTTPS server switches to the new pair; the expiry gauge and the readiness check
 * read the same live configuration, so they always describe what is served.
 */
@Readiness
@Startup
@ApplicationScoped
public class ServingCertificate implements HealthCheck {

  public static final String TLS_CONFIGURATION = "webhook";
  private static final Logger LOG = Logger.getLogger(ServingCertificate.class);

  private final TlsConfigurationRegistry registry;
  private final MeterRegistry meters;
  private final Gauge expiry;
  private volatile BigInteger lastSerial;

  public ServingCertificate(TlsConfigurationRegistry registry, MeterRegistry meters) {
    this.registry = registry;
    this.meters = meters;
    this.expiry =
        Gauge.builder(
                "endpoints_guard_tls_certificate_expiry_seconds",
                this,
                c ->
                    c.current()
                        .map(cert -> cert.getNotAfter().getTime() / 1000.0)
                        .orElse(Double.NaN))
            .description("Unix time at which the served certificate expires")
            .register(meters);
  }

  /**
   * The global registry outlives this bean when Quarkus restarts in one JVM (tests): a gauge left
   * behind would keep reporting the old instance's certificate, and a new registration would get
   * that stale gauge back.
   */
  @PreDestroy
  void unregister() {
    meters.remove(expiry);
  }

  /** The leaf certificate of the live TLS configuration, if a pair is loaded. */
  public Optional<X509Certificate> current() {
    Optional<X509Certificate> cert =
        registry
            .get(TLS_CONFIGURATION)
            .map(TlsConfiguration::getKeyStore)
            .flatMap(ServingCertificate::leaf);
    cert.ifPresent(this::logIfChanged);
    return cert;
  }

  private void logIfChanged(X509Certificate cert) {
    if (!cert.getSerialNumber().equals(lastSerial)) {
      lastSerial = cert.getSerialNumber();
      LOG.infof(
          "Serving certificate %s (serial %s), valid until %s",
          cert.getSubjectX500Principal().getName(),
          cert.getSerialNumber().toString(16),
          cert.getNotAfter().toInstant());
    }
  }

  private static Optional<X509Certificate> leaf(KeyStore store) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        Certificate c = store.getCertificate(alias);
        if (c instanceof X509Certificate x509) {
          return Optional.of(x509);
        }
      }
    } catch (Exception e) {
      LOG.warnf(e, "Cannot read the serving certificate");
    }
    return Optional.empty();
  }

  @Override
  public HealthCheckResponse call() {
    Optional<X509Certificate> cert = current();
    return HealthCheckResponse.named("tls-certificate")
        .status(cert.isPresent())
        .withData("notAfter", cert.map(c -> c.getNotAfter().toInstant().toString()).orElse("none"))
        .build();
  }
}
