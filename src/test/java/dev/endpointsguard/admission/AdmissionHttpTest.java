package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.MockApiServer;
import dev.endpointsguard.testing.RawHttps;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.IntStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admission protocol at the HTTP level: versions, operations, errors, limits, failure modes;
 * and no API calls.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AdmissionHttpTest extends WebhookTestBase {

  @Inject BodyGate gate;

  @BeforeEach
  void seed() {
    apply(KubeObjects.selectorless("default", "harbor", "10.96.200.20").build());
    awaitView(() -> view.service("default", "harbor").isPresent());
  }

  @Test
  void answersV1beta1InKind() {
    var review =
        Reviews.review(
            "CREATE",
            KubeObjects.endpoints("default", "harbour", "10.0.0.250"),
            null,
            Reviews.USER);
    https()
        .body(Reviews.v1beta1(review))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("apiVersion", equalTo("admission.k8s.io/v1beta1"))
        .body("kind", equalTo("AdmissionReview"))
        .body("response.uid", equalTo(review.getRequest().getUid()))
        .body("response.allowed", equalTo(false));
  }

  @Test
  void deleteAndConnectAreAllowedWithoutFindings() {
    var delete =
        Reviews.review(
            "DELETE", null, KubeObjects.endpoints("default", "harbour", "127.0.0.1"), Reviews.USER);
    https()
        .body(Reviews.json(delete))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body("response.warnings", nullValue())
        .body("response.patch", nullValue());
    var connect =
        Reviews.review(
            "CONNECT",
            KubeObjects.endpoints("default", "harbour", "127.0.0.1"),
            null,
            Reviews.USER);
    https()
        .body(Reviews.json(connect))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true));
  }

  @Test
  void otherKindsAreAllowedWithoutFindings() {
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("harbour")
            .endMetadata()
            .build();
    https()
        .body(Reviews.create(configMap))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body("response.warnings", nullValue());
  }

  @Test
  void otherMethodsAre405WithAJsonError() {
    https()
        .get("/validate/endpoints")
        .then()
        .statusCode(405)
        .header("Allow", "POST")
        .contentType("application/json")
        .body("error", equalTo("send an AdmissionReview with POST"));
    https()
        .body("{}")
        .put("/mutate/services")
        .then()
        .statusCode(405)
        .body("error", equalTo("send an AdmissionReview with POST"));
  }

  @Test
  void wrongContentTypeIs415() {
    https("text/plain")
        .body(Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.1")))
        .post("/validate/endpoints")
        .then()
        .statusCode(415)
        .contentType("application/json")
        .body("error", containsString("application/json"));
  }

  @Test
  void malformedBodiesAre400WithAJsonError() {
    https()
        .body("{not json")
        .post("/validate/endpoints")
        .then()
        .statusCode(400)
        .body("error", startsWith("body is not JSON"));
    https()
        .body("[1,2]")
        .post("/validate/endpoints")
        .then()
        .statusCode(400)
        .body("error", equalTo("body is not a JSON object"));
    https()
        .body("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}")
        .post("/validate/endpoints")
        .then()
        .statusCode(400)
        .body("error", startsWith("body is not an AdmissionReview"));
    https()
        .body("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}")
        .post("/validate/services")
        .then()
        .statusCode(400)
        .body("error", equalTo("AdmissionReview has no request"));
    https()
        .body(
            "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"operation\":\"CREATE\"}}")
        .post("/mutate/services")
        .then()
        .statusCode(400)
        .body("error", equalTo("AdmissionReview request has no uid"));
    https()
        .body("")
        .post("/validate/endpoints")
        .then()
        .statusCode(400)
        .body("error", containsString("empty"));
  }

  @Test
  void bodiesOver7MiBAre413() throws Exception {
    byte[] big = new byte[7 * 1024 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    var response = RawHttps.post(base, "/validate/endpoints", "application/json", big);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).isEqualTo("{\"error\":\"body is larger than 7 MiB\"}");
    allowsHarbor();
  }

  /**
   * A large body holds its share of the heap budget (128M in tests) from its headers until its
   * answer: a second large one meanwhile is shed with 429, small ones pass, and a client that
   * vanishes mid-body gives its share back.
   */
  @Test
  void largeBodiesBeyondTheMemoryBudgetAreShedWith429() throws Exception {
    long fiveMiB = 5L * 1024 * 1024;
    double shedBefore = shedCount();
    try (SSLSocket slow =
        (SSLSocket)
            RawHttps.trustAll().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /validate/endpoints HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + fiveMiB
                  + "\r\n\r\n{\"apiVersion\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gate.reserved() == MemoryBudget.cost(fiveMiB));

      byte[] second = new byte[(int) fiveMiB];
      java.util.Arrays.fill(second, (byte) ' ');
      var refused = RawHttps.post(base, "/validate/endpoints", "application/json", second);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body())
          .isEqualTo(
              "{\"error\":\"too many large admission requests in flight; retry in a second\"}");
      assertThat(shedCount()).isEqualTo(shedBefore + 1);
      allowsHarbor(); // small bodies never wait on the budget
      assertThat(RawHttps.endlessChunkedPost(base, "/validate/endpoints"))
          .startsWith("HTTP/1.1 413");
    }
    // the slow client went away without finishing its body
    await().atMost(Duration.ofSeconds(10)).until(() -> gate.reserved() == 0);
    String[] ips =
        IntStream.range(0, 20_000)
            .mapToObj(i -> "10.3." + (i / 250) + "." + (i % 250 + 1))
            .toArray(String[]::new);
    String large = Reviews.create(KubeObjects.endpoints("default", "harbor", 80, ips).build());
    assertThat(large.length()).isGreaterThan((int) MemoryBudget.LARGE_BODY_BYTES);
    https()
        .body(large)
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true));
    assertThat(gate.reserved()).isZero();
  }

  double shedCount() {
    String metrics = managementPort().get("/q/metrics").then().statusCode(200).extract().asString();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^endpoints_guard_admission_shed_total(?:\\{\\})? ([0-9.Ee+]+)$")
            .matcher(metrics);
    assertThat(m.find()).as("shed counter in metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void deeplyNestedJsonIsRejectedAndTheServerKeepsAnswering() throws Exception {
    String nested = "[".repeat(100_000) + "]".repeat(100_000);
    String body =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"x\",\"object\":"
            + nested
            + "}}";
    var response =
        RawHttps.post(
            base, "/validate/endpoints", "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("{\"error\":\"body is not JSON: Document nesting depth");
    allowsHarbor();
  }

  @Test
  void fiftyThousandAddressesAreAnswered() {
    String[] ips =
        IntStream.range(0, 50_000)
            .mapToObj(i -> "10.2." + (i / 250) + "." + (i % 250 + 1))
            .toArray(String[]::new);
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "harbor", 80, ips).build()))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body(
            "response.warnings[0]",
            startsWith("[over-capacity] subsets: 50000 addresses share the ports [80/TCP]"));
    allowsHarbor();
  }

  @Test
  void anUndecodableObjectFailsClosedForEndpointsAndOpenForServices() {
    var review =
        Reviews.review(
            "CREATE", KubeObjects.endpoints("default", "harbor", "10.0.0.1"), null, Reviews.USER);
    String broken =
        Reviews.json(review).replaceFirst("\"subsets\":\\[", "\"subsets\":\"oops\",\"x\":[");
    https()
        .body(broken)
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(500))
        .body(
            "response.status.message",
            startsWith("Endpoints \"default/harbor\" could not be checked, so it is denied: "));
    var service =
        Reviews.review(
            "CREATE",
            KubeObjects.selectorless("default", "web", "10.96.0.9").build(),
            null,
            Reviews.USER);
    String brokenService =
        Reviews.json(service).replaceFirst("\"ports\":\\[", "\"ports\":\"oops\",\"x\":[");
    for (String path : new String[] {"/validate/services", "/mutate/services"}) {
      https()
          .body(brokenService)
          .post(path)
          .then()
          .statusCode(200)
          .body("response.allowed", equalTo(true))
          .body("response.patch", nullValue())
          .body("response.warnings[0]", startsWith("[internal-error] Service not checked: "));
    }
  }

  @Test
  void plainHttpIsNotServed() {
    assertThatThrownBy(() -> new Socket("localhost", 18081).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void theAdmissionPathNeverCallsTheApiServer() throws InterruptedException {
    MockApiServer.drain(server);
    // only denials resting on the view are confirmed with the API server (ConfirmationHttpTest);
    // these are allowed, warned about, or denied on the address alone
    var denied = Reviews.create(KubeObjects.endpoints("default", "harbor", "127.0.0.1"));
    var allowed = Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.250"));
    var warned = Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.9", "10.0.0.9"));
    var deniedSlice =
        Reviews.create(KubeObjects.slice("default", "harbor-1", "harbor", 80, "127.0.0.1").build());
    var allowedSlice =
        Reviews.create(
            KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.250").build());
    var warnedSlice =
        Reviews.create(
            KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.9", "10.0.0.9").build());
    for (int i = 0; i < 51; i++) {
      https()
          .body(i % 3 == 0 ? denied : i % 3 == 1 ? allowed : warned)
          .post("/validate/endpoints")
          .then()
          .statusCode(200);
      https()
          .body(i % 3 == 0 ? deniedSlice : i % 3 == 1 ? allowedSlice : warnedSlice)
          .post("/validate/endpointslices")
          .then()
          .statusCode(200);
      https()
          .body(Reviews.create(KubeObjects.selectorless("default", "web" + i, "10.96.0.9").build()))
          .post("/validate/services")
          .then()
          .statusCode(200);
      https()
          .body(Reviews.create(KubeObjects.selectorless("default", "web" + i, "10.96.0.9").build()))
          .post("/mutate/services")
          .then()
          .statusCode(200);
    }
    assertThat(MockApiServer.drain(server)).filteredOn(r -> !r.contains("/leases")).isEmpty();
  }

  @Test
  void metricsAndHealthAreOnTheManagementPort() {
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "harbour", "10.0.0.250")))
        .post("/validate/endpoints");
    managementPort()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItems("cluster-view", "tls-certificate"));
    managementPort().get("/q/health/live").then().statusCode(200);
    String metrics = managementPort().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains(
            "endpoints_guard_admission_requests_total{decision=\"deny\",operation=\"CREATE\",webhook=\"/validate/endpoints\"}")
        .contains(
            "endpoints_guard_admission_duration_seconds_bucket{webhook=\"/validate/endpoints\"")
        .contains("endpoints_guard_findings_total{action=\"deny\",rule=\"service-missing\"}")
        .containsPattern("endpoints_guard_tls_certificate_expiry_seconds(\\{\\})? [0-9.E]+");
  }

  void allowsHarbor() {
    https()
        .body(
            Reviews.create(
                new EndpointsBuilder(KubeObjects.endpoints("default", "harbor", "10.0.0.250"))
                    .build()))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true));
  }
}
