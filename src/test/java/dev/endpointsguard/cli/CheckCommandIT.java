package dev.endpointsguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact as users run it: {@code java -jar target/quarkus-app/quarkus-run.jar check
 * ...}, in its own process. Runs only when the package exists.
 */
class CheckCommandIT {

  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  @TempDir Path dir;

  record Run(int status, String out, String err, List<String> loadedClasses) {}

  Run check(String... args) throws IOException, InterruptedException {
    assumeTrue(Files.isRegularFile(JAR), "package the application first (./mvnw package)");
    Path classes = dir.resolve("classes.log");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:class+load=info:file=" + classes);
    command.add("-jar");
    command.add(JAR.toString());
    command.add("check");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("check finished").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        Files.readAllLines(classes));
  }

  @Test
  void theExamplesPassWithoutStartingTheServer() throws Exception {
    Run run = check("-f", "examples/cluster");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "Endpoints registry/legacy-db: warn [ip-node] subsets[0].addresses[0].ip: 10.0.0.31 is an address of Node \"node-c\": traffic goes to whatever listens on that node; list Pod or external IPs unless that is intended\n"
                + "8 objects checked: 0 denied, 1 warned\n");
    assertThat(run.err()).isEmpty();
    // No HTTP server, no Vert.x, no CDI container: nothing that could open 8443 or 9000.
    assertThat(run.loadedClasses())
        .isNotEmpty()
        .noneMatch(l -> l.contains(" io.vertx."))
        .noneMatch(l -> l.contains(" io.netty."))
        .noneMatch(l -> l.contains(" io.quarkus.arc."))
        .noneMatch(l -> l.contains(" io.quarkus.runtime.Application "))
        .noneMatch(l -> l.contains(" sun.nio.ch.ServerSocketChannelImpl "));
  }

  @Test
  void theTypoExampleFailsWithServiceMissing() throws Exception {
    Run run = check("-f", "examples/check/typo.yaml", "-o", "json");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).contains("\"rule\" : \"service-missing\"").endsWith("}\n");
  }
}
