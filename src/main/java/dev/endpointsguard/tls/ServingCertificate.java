package dev.endpointsguard.tls;

import dev.endpointsguard.config.GuardConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The certificate the admission server serves. At start it loads the mounted pair, registers the
 * TLS configuration the HTTPS server is built from ({@code quarkus.http.tls-configuration-name})
 * and starts the reloader; Quarkus opens the HTTPS port only after startup beans have run. The
 * expiry gauge and the readiness check read the pair the key manager hands out, so they always
 * describe what is served.
 */
@Readiness
@Startup
@ApplicationScoped
public class ServingCertificate implements HealthCheck {

  public static final String TLS_CONFIGURATION = "webhook";

  private final MeterRegistry meters;
  private final LiveKeyManager keyManager = new LiveKeyManager();
  private final PairReloader reloader;
  private final Gauge expiry;

  public ServingCertificate(
      TlsConfigurationRegistry registry, MeterRegistry meters, GuardConfig config) {
    this.meters = meters;
    this.reloader =
        new PairReloader(
            Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()), keyManager, meters);
    reloader.reload();
    registry.register(TLS_CONFIGURATION, new WebhookTlsConfiguration(keyManager));
    reloader.start(config.tls().reloadPeriod());
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
  void stop() {
    reloader.close();
    meters.remove(expiry);
  }

  /** The leaf certificate handed to new handshakes, if a pair is loaded. */
  public Optional<X509Certificate> current() {
    return keyManager.current().map(PemPair::leaf);
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
