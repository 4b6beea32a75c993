package dev.endpointsguard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar on the Kubernetes source (a CRUD mock API server: informers, watches, the
 * reconciler's Lease), stopped with SIGTERM as every rollout stops it: a normal shutdown logs no
 * error, nothing an operator's alert on ERROR lines would page for.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesSourceShutdownIT {

  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  static final Path CERTS = Path.of("target/test-certs");

  KubernetesClient client;

  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static boolean ready(int port) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + "/q/health/ready").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aSigtermShutdownLogsNoError() throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "package the application first (./mvnw package)");
    int management = freePort();
    Path output = dir.resolve("app.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("KUBERNETES_MASTER", client.getMasterUrl().toString());
    builder.environment().put("KUBERNETES_NAMESPACE", "endpoints-guard");
    builder.environment().put("KUBERNETES_TRUST_CERTIFICATES", "true");
    builder.environment().put("ENDPOINTS_GUARD_CLUSTER_SOURCE", "kubernetes");
    builder.environment().put("ENDPOINTS_GUARD_TLS_CERT_FILE", CERTS.resolve("tls.crt").toString());
    builder.environment().put("ENDPOINTS_GUARD_TLS_KEY_FILE", CERTS.resolve("tls.key").toString());
    builder.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(freePort()));
    builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
    Process app = builder.start();
    try {
      await("ready: informers synced")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !app.isAlive() || ready(management));
      assertThat(app.isAlive()).as(Files.readString(output)).isTrue();

      app.destroy(); // SIGTERM

      assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
    } finally {
      app.destroyForcibly();
    }
    List<String> log = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(log).anyMatch(line -> line.contains("stopped in"));
    assertThat(log).noneMatch(line -> line.contains(" ERROR "));
  }
}
