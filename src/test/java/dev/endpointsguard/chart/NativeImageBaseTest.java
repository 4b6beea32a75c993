package dev.endpointsguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The native executable is linked against the glibc of the builder image and runs on the base image
 * of {@code Dockerfile.native-micro}: both must be UBI 9 (a UBI 9 build on the UBI 8 micro image
 * dies with "GLIBC_2.3x not found").
 */
class NativeImageBaseTest {

  static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile.native-micro");
  static final Path PROPERTIES = Path.of("src", "main", "resources", "application.properties");

  static Properties properties() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(PROPERTIES)) {
      p.load(r);
    }
    return p;
  }

  static List<String> fromLines() throws IOException {
    return Files.readAllLines(DOCKERFILE).stream()
        .map(String::strip)
        .filter(l -> l.startsWith("FROM "))
        .toList();
  }

  @Test
  void builderAndRuntimeBaseImageAreBothUbi9() throws IOException {
    String builder = properties().getProperty("quarkus.native.builder-image");
    assertThat(builder)
        .as("quarkus.native.builder-image must be pinned in " + PROPERTIES)
        .isNotBlank();
    assertThat(builder)
        .as("builder image")
        .matches("quay\\.io/quarkus/ubi9-quarkus-(mandrel|graalvmce)-builder-image:jdk-\\d+");

    List<String> from = fromLines();
    assertThat(from).as("FROM lines of " + DOCKERFILE).hasSize(1);
    String base = from.get(0).substring("FROM ".length()).strip();
    assertThat(base)
        .as("runtime base image of the native executable (UBI 9 like the builder)")
        .matches("quay\\.io/quarkus/ubi9-quarkus-micro-image:\\d+\\.\\d+");
  }

  @Test
  void theListenerDrainsReflectiveFieldsAreRegisteredForTheNativeImage() throws IOException {
    String json =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("src/main/resources/META-INF/native-image/reflect-config.json"));
    assertThat(json)
        .contains("io.vertx.core.net.impl.TCPServerBase")
        .contains("\"allDeclaredFields\"");
  }
}
