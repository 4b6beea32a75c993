package dev.endpointsguard.tls;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the test app from a Secret-style volume (target/test-certs-live) instead of the plain
 * files the other tests use, with two pairs made by certs/generate.sh to rotate between. The volume
 * exists before Quarkus starts.
 */
public class LiveCertificates implements QuarkusTestResourceLifecycleManager {

  static final SecretVolume VOLUME = new SecretVolume(Path.of("target/test-certs-live"));
  static final Path PAIR_A = Path.of("target/test-certs-pairs/a");
  static final Path PAIR_B = Path.of("target/test-certs-pairs/b");

  @Override
  public Map<String, String> start() {
    try {
      generate(PAIR_A);
      generate(PAIR_B);
      SecretVolume.deleteTree(VOLUME.dir);
      VOLUME.publish(PAIR_A.resolve("tls.crt"), PAIR_A.resolve("tls.key"));
    } catch (Exception e) {
      throw new IllegalStateException("Cannot prepare the certificate volume", e);
    }
    return Map.of(
        "endpoints-guard.tls.cert-file",
        VOLUME.certFile().toString(),
        "endpoints-guard.tls.key-file",
        VOLUME.keyFile().toString());
  }

  /** A fresh pair in {@code dir}, by the script users run. */
  static void generate(Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "bash",
                "certs/generate.sh",
                dir.toString(),
                "endpoints-guard",
                "endpoints-guard",
                "--force")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("certs/generate.sh " + dir + " failed");
    }
  }

  @Override
  public void stop() {}
}
