package dev.endpointsguard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM image's build step, run here on the packaged jar: {@code train-class-archive.sh} starts
 * endpoints-guard once on the Kubernetes source with no API server to reach, the start ends by
 * itself ({@link TrainingRun}), and the archive it leaves is one this JVM maps ({@code -Xshare:on}
 * refuses to start otherwise).
 */
class ClassArchiveTrainingIT {

  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  static final Path SCRIPT = Path.of("src/main/docker/train-class-archive.sh");

  @TempDir Path dir;

  int run(Map<String, String> env, Path output, String... command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean finished = process.waitFor(90, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished)
        .as("%s finished: %s", List.of(command), Files.readString(output, StandardCharsets.UTF_8))
        .isTrue();
    return process.exitValue();
  }

  @Test
  void theTrainingStartEndsByItselfAndLeavesAnArchiveThisJvmMaps() throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "package the application first (./mvnw package)");
    Path archive = dir.resolve("app-cds.jsa");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // As in the image: no certificate, no API server; ports of its own so nothing else is
    // disturbed.
    Map<String, String> env =
        Map.of(
            "PATH",
            new File(java).getParent() + File.pathSeparator + System.getenv("PATH"),
            "QUARKUS_HTTP_SSL_PORT",
            "0",
            "QUARKUS_MANAGEMENT_PORT",
            "0",
            "ENDPOINTS_GUARD_TLS_CERT_FILE",
            dir.resolve("none.crt").toString(),
            "ENDPOINTS_GUARD_TLS_KEY_FILE",
            dir.resolve("none.key").toString());

    int training =
        run(
            env,
            dir.resolve("training.log"),
            "sh",
            SCRIPT.toString(),
            JAR.toString(),
            archive.toString());

    assertThat(training).as(Files.readString(dir.resolve("training.log"))).isZero();
    assertThat(archive).isNotEmptyFile();

    List<String> check =
        new ArrayList<>(
            List.of(
                java,
                "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info",
                "-jar",
                JAR.toString(),
                "check",
                "-f",
                "examples/cluster"));
    Path checkLog = dir.resolve("check.log");
    int status = run(Map.of(), checkLog, check.toArray(String[]::new));

    String log = Files.readString(checkLog, StandardCharsets.UTF_8);
    assertThat(status).as(log).isZero();
    // Application classes came from the archive, not from the jar.
    assertThat(log).contains("dev.endpointsguard.rules.EndpointsRules source: shared objects file");

    // The training start was the chart's: informers and the HTTP server are in the archive too.
    Path contents = dir.resolve("contents.log");
    run(
        Map.of(),
        contents,
        java,
        "-XX:SharedArchiveFile=" + archive,
        "-XX:+PrintSharedArchiveAndExit",
        "-jar",
        JAR.toString());
    assertThat(Files.readString(contents, StandardCharsets.UTF_8))
        .contains("dev.endpointsguard.cluster.InformerClusterView ")
        .contains("io.fabric8.kubernetes.client.informers.impl.DefaultSharedIndexInformer ")
        .contains("dev.endpointsguard.admission.AdmissionRoutes ");
  }
}
