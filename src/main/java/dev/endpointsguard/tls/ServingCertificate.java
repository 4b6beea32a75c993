package dev.endpointsguard.tls;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;

/**
 * The certificate the admission server serves. The TLS registry re-reads the PEM files every reload period and
 * the HTTPS server switches to the new pair; this bean follows the same events to publish the expiry gauge and to
 * report readiness only while a usable pair is loaded.
 */
@Readiness
@ApplicationScoped
public class ServingCertificate implements HealthCheck {

    public static final String TLS_CONFIGURATION = "webhook";
    private static final Logger LOG = Logger.getLogger(ServingCertificate.class);

    private final TlsConfigurationRegistry registry;
    private volatile X509Certificate current;

    public ServingCertificate(TlsConfigurationRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        Gauge.builder("endpoints_guard_tls_certificate_expiry_seconds", this,
                        c -> c.current == null ? Double.NaN : c.current.getNotAfter().getTime() / 1000.0)
                .description("Unix time at which the served certificate expires")
                .register(meters);
    }

    void onStart(@Observes StartupEvent event) {
        registry.get(TLS_CONFIGURATION).ifPresent(this::load);
    }

    void onUpdate(@Observes CertificateUpdatedEvent event) {
        if (TLS_CONFIGURATION.equals(event.name())) {
            load(event.tlsConfiguration());
        }
    }

    private void load(TlsConfiguration configuration) {
        Optional<X509Certificate> cert = leaf(configuration.getKeyStore());
        cert.ifPresent(c -> {
            if (current == null || !c.equals(current)) {
                LOG.infof("Serving certificate %s, valid until %s", c.getSubjectX500Principal().getName(), c.getNotAfter());
            }
        });
        current = cert.orElse(null);
    }

    public Optional<X509Certificate> current() {
        return Optional.ofNullable(current);
    }

    private static Optional<X509Certificate> leaf(KeyStore store) {
        if (store == null) {
            return Optional.empty();
        }
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
        X509Certificate cert = current;
        return HealthCheckResponse.named("tls-certificate")
                .status(cert != null)
                .withData("notAfter", cert == null ? "none" : cert.getNotAfter().toInstant().toString())
                .build();
    }
}
