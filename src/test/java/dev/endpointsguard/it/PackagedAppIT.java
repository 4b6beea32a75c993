package dev.endpointsguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The packaged application (the JVM jar in {@code ./mvnw verify}; the native executable with {@code
 * -Dnative}) answers the example reviews of {@code examples/reviews/} on its webhook paths and
 * reports healthy.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedAppResource.class, restrictToAnnotatedClass = true)
class PackagedAppIT {

  static final Path REVIEWS = Path.of("examples", "reviews");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Webhook path of an example review, by the prefix of its file name. Longest prefix first. */
  static final Map<String, String> PATH_BY_PREFIX = new LinkedHashMap<>();

  static {
    PATH_BY_PREFIX.put("endpointslice-", "/validate/endpointslices");
    PATH_BY_PREFIX.put("endpoints-", "/validate/endpoints");
    PATH_BY_PREFIX.put("service-mutate", "/mutate/services");
    PATH_BY_PREFIX.put("service-", "/validate/services");
  }

  @TestHTTPResource(value = "/", tls = true)
  URL base;

  static String pathFor(String fileName) {
    return PATH_BY_PREFIX.entrySet().stream()
        .filter(e -> fileName.startsWith(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "examples/reviews/"
                        + fileName
                        + ": no webhook path for this file name; known prefixes: "
                        + PATH_BY_PREFIX.keySet()
                        + " (add the new kind to PackagedAppIT.PATH_BY_PREFIX)"));
  }

  Response post(String path, String body) {
    return RestAssured.given()
        .relaxedHTTPSValidation()
        .baseUri(base.toString())
        .contentType("application/json")
        .body(body)
        .post(path);
  }

  static List<Path> reviewFiles() throws IOException {
    try (Stream<Path> files = Files.list(REVIEWS)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /**
   * Every example review gets a well-formed answer to its own uid from the path its name maps to.
   */
  @TestFactory
  Stream<DynamicTest> everyExampleReviewIsAnsweredOnItsPath() throws IOException {
    List<Path> files = reviewFiles();
    assertThat(files).isNotEmpty();
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> {
                      String body = Files.readString(f, StandardCharsets.UTF_8);
                      String uid = JSON.readTree(body).path("request").path("uid").asText();
                      Response r = post(pathFor(f.getFileName().toString()), body);
                      assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
                      JsonNode answer = JSON.readTree(r.asString());
                      assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
                      assertThat(answer.path("response").path("uid").asText()).isEqualTo(uid);
                      assertThat(answer.path("response").path("allowed").isBoolean()).isTrue();
                    }));
  }

  @Test
  void theEndpointsTypoIsDeniedByServiceMissing() throws IOException {
    JsonNode answer =
        JSON.readTree(
            post("/validate/endpoints", Files.readString(REVIEWS.resolve("endpoints-typo.json")))
                .asString());
    assertThat(answer.path("response").path("allowed").asBoolean()).isFalse();
    assertThat(answer.path("response").path("status").path("message").asText())
        .contains("[service-missing]");
  }

  @Test
  void theEndpointsOfASelectorServiceIsAllowedWithAWarning() throws IOException {
    JsonNode answer =
        JSON.readTree(
            post(
                    "/validate/endpoints",
                    Files.readString(REVIEWS.resolve("endpoints-selector-service.json")))
                .asString());
    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(answer.path("response").path("warnings").size()).isPositive();
  }

  @Test
  void theServiceMutationReturnsAJsonPatch() throws IOException {
    JsonNode answer =
        JSON.readTree(
            post("/mutate/services", Files.readString(REVIEWS.resolve("service-mutate.json")))
                .asString());
    JsonNode response = answer.path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    assertThat(patch.isArray()).isTrue();
    assertThat(patch.size()).isPositive();
    patch.forEach(
        op -> assertThat(op.path("op").asText()).isIn("add", "replace", "remove", "test"));
  }

  @Test
  void healthIsUp() {
    String root = "http://localhost:" + PackagedAppResource.managementPort;
    for (String path : List.of("/q/health/live", "/q/health/ready")) {
      RestAssured.given()
          .baseUri(root)
          .get(path)
          .then()
          .statusCode(200)
          .body("status", equalTo("UP"));
    }
  }

  @Test
  void anUnknownReviewFileNameFailsClearly() {
    assertThat(pathFor("endpointslice-foo.json")).isEqualTo("/validate/endpointslices");
    assertThat(pathFor("service-mutate.json")).isEqualTo("/mutate/services");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pathFor("ingress-foo.json"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no webhook path");
  }
}
