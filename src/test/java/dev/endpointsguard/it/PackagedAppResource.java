package dev.endpointsguard.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Configuration of the packaged application under test (JVM jar or native executable), passed to
 * the launched process by {@code @QuarkusIntegrationTest}: the cluster read from the example files
 * instead of an API server, and the certificate made by the build's test-certificates step. Nothing
 * here is a profile of the application itself.
 */
public class PackagedAppResource implements QuarkusTestResourceLifecycleManager {

  static final Path CERT = Path.of("target", "test-certs", "tls.crt").toAbsolutePath();
  static final Path KEY = Path.of("target", "test-certs", "tls.key").toAbsolutePath();

  /** The management port the launched application was given (health, metrics). */
  static volatile int managementPort;

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, String> start() {
    if (!Files.isReadable(CERT) || !Files.isReadable(KEY)) {
      throw new IllegalStateException(
          "no test certificate at "
              + CERT
              + " (made by the build's test-certificates step: "
              + "run ./mvnw verify, not the IT alone)");
    }
    managementPort = freePort();
    return Map.of(
        // a free port rather than the fixed 9000: builds on one machine must not collide
        "quarkus.management.port", Integer.toString(managementPort),
        "endpoints-guard.cluster.source", "files",
        "endpoints-guard.cluster.files", Path.of("examples", "cluster").toAbsolutePath().toString(),
        "endpoints-guard.tls.cert-file", CERT.toString(),
        "endpoints-guard.tls.key-file", KEY.toString());
  }

  @Override
  public void stop() {}
}
