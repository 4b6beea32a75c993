package dev.endpointsguard.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.testing.RawHttps;
import dev.endpointsguard.testing.WebhookTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The mounted pair is swapped the way the kubelet does it while clients open a new TLS connection
 * for every request: no handshake may fail, and a pair whose key does not match its certificate is
 * refused while the previous pair stays in service.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(LiveCertificates.class)
class RotationUnderLoadTest extends WebhookTestBase {

  static final SecretVolume VOLUME = LiveCertificates.VOLUME;
  static final Path A = LiveCertificates.PAIR_A;
  static final Path B = LiveCertificates.PAIR_B;

  @Test
  void swappingThePairUnderNewConnectionLoadFailsNoHandshake() throws Exception {
    publishAndAwait(A);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger requests = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    assertThat(request()).startsWith("HTTP/1.1 ");
                    requests.incrementAndGet();
                  } catch (Throwable e) {
                    failures.add(e.toString());
                  }
                }
              },
              "rotation-client-" + i);
      t.start();
      clients.add(t);
    }
    int swaps = 0;
    long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(900);
      Path next = swaps % 2 == 0 ? B : A;
      VOLUME.publish(next.resolve("tls.crt"), next.resolve("tls.key"));
      swaps++;
    }
    Thread.sleep(1500);
    running.set(false);
    for (Thread t : clients) {
      t.join(10_000);
    }

    assertThat(swaps).isGreaterThanOrEqualTo(5);
    assertThat(requests.get()).isGreaterThan(20);
    assertThat(failures)
        .as("failed of %d requests over %d swaps", requests.get() + failures.size(), swaps)
        .isEmpty();
    Path last = swaps % 2 == 0 ? A : B;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(served()).isEqualTo(certOf(last)));
  }

  @Test
  void aMismatchedPairIsRefusedAndThePreviousOneServed() throws Exception {
    publishAndAwait(A);
    double failuresBefore = reloads("failure");

    VOLUME.publish(B.resolve("tls.crt"), A.resolve("tls.key"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(reloads("failure")).isEqualTo(failuresBefore + 1));
    Thread.sleep(2500);
    assertThat(served()).isEqualTo(certOf(A));
    assertThat(reloads("failure"))
        .as("one count per distinct bad pair")
        .isEqualTo(failuresBefore + 1);
    assertThat(request()).startsWith("HTTP/1.1 ");

    publishAndAwait(B);
  }

  void publishAndAwait(Path pair) throws Exception {
    VOLUME.publish(pair.resolve("tls.crt"), pair.resolve("tls.key"));
    X509Certificate expected = certOf(pair);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(served()).isEqualTo(expected));
  }

  /**
   * One request on a new connection with a new client context, so every request is a full
   * handshake.
   */
  String request() throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            RawHttps.trustAll().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /validate/endpoints HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return status == null ? "no response" : status;
    }
  }

  X509Certificate served() throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            RawHttps.trustAll().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  static X509Certificate certOf(Path pair) throws Exception {
    try (InputStream in = Files.newInputStream(pair.resolve("tls.crt"))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  double reloads(String result) {
    String metrics = managementPort().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "(?m)^endpoints_guard_tls_reloads_total\\{result=\"" + result + "\"} ([0-9.Ee+]+)$")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
