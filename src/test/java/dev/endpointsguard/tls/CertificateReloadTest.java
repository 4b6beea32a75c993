package dev.endpointsguard.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.testing.RawHttps;
import dev.endpointsguard.testing.WebhookTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The serving certificate is re-read when the mounted Secret changes, without a restart. The new
 * pair is made aside and published in one atomic step, as the kubelet does, so the test never
 * depends on when a reload lands.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(LiveCertificates.class)
class CertificateReloadTest extends WebhookTestBase {

  static final Path REPLACEMENT = Path.of("target/test-certs-pairs/replacement");

  @Test
  void aReplacedCertificateIsServedAndReported() throws Exception {
    X509Certificate before = served();
    assertThat(before).isEqualTo(onDisk(LiveCertificates.VOLUME.certFile()));

    LiveCertificates.generate(REPLACEMENT);
    X509Certificate replaced = onDisk(REPLACEMENT.resolve("tls.crt"));
    assertThat(replaced.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    LiveCertificates.VOLUME.publish(REPLACEMENT.resolve("tls.crt"), REPLACEMENT.resolve("tls.key"));

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(served()).isEqualTo(replaced));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(expiryGauge()).isEqualTo(replaced.getNotAfter().getTime() / 1000));
  }

  X509Certificate served() throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            RawHttps.trustAll().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  static X509Certificate onDisk(Path cert) throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  long expiryGauge() {
    String metrics = managementPort().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "(?m)^endpoints_guard_tls_certificate_expiry_seconds(?:\\{\\})? ([0-9.Ee+]+)$")
            .matcher(metrics);
    assertThat(m.find()).as("expiry gauge in %s", metrics).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
