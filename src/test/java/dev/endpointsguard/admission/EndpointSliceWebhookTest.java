package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.MockApiServer;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EndpointSlice webhook over HTTPS, with the CRUD mock API server as the cluster. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EndpointSliceWebhookTest extends WebhookTestBase {

  private static final String PATH = "/validate/endpointslices";

  @BeforeEach
  void seed() {
    apply(
        KubeObjects.selectorless("default", "harbor-modern", "10.96.200.25").build(),
        KubeObjects.running("payments", "db-0", "10.244.3.7"));
    awaitView(
        () ->
            view.service("default", "harbor-modern").isPresent()
                && !view.podsByIp("10.244.3.7").isEmpty());
  }

  private static EndpointSlice harborSlice(String... ips) {
    return KubeObjects.slice("default", "harbor-modern-1", "harbor-modern", 80, ips).build();
  }

  @Test
  void reviewsCarryTheDiscoveryGroup() {
    var request = Reviews.review("CREATE", harborSlice("10.0.0.250"), null, Reviews.USER);
    assertThat(request.getRequest().getKind().getGroup()).isEqualTo("discovery.k8s.io");
    assertThat(request.getRequest().getResource().getResource()).isEqualTo("endpointslices");
  }

  @Test
  void deniesASliceThatPointsAtAnotherNamespacesPod() {
    var review = Reviews.review("CREATE", harborSlice("10.244.3.7"), null, Reviews.USER);
    https()
        .body(Reviews.json(review))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.uid", equalTo(review.getRequest().getUid()))
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(403))
        .body(
            "response.status.message",
            startsWith(
                "EndpointSlice \"default/harbor-modern-1\" denied: [ip-foreign-pod]"
                    + " endpoints[0].addresses[0]: 10.244.3.7 belongs to Pod \"payments/db-0\""));
  }

  @Test
  void allowsTheModernHarborSlice() {
    https()
        .body(Reviews.create(harborSlice("10.0.0.250")))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body("response.warnings", nullValue())
        .body("response.status", nullValue());
  }

  @Test
  void answersV1beta1Reviews() {
    var review = Reviews.review("CREATE", harborSlice("10.244.3.7"), null, Reviews.USER);
    https()
        .body(Reviews.v1beta1(review))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("apiVersion", equalTo("admission.k8s.io/v1beta1"))
        .body("response.uid", equalTo(review.getRequest().getUid()))
        .body("response.allowed", equalTo(false));
  }

  @Test
  void warnsAboutDuplicatesWithoutDenying() {
    https()
        .body(Reviews.create(harborSlice("10.0.0.9", "10.0.0.9")))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body(
            "response.warnings",
            contains(startsWith("[address-duplicate] endpoints[1].addresses[0]: 10.0.0.9")));
  }

  @Test
  void anAllowedSliceMakesNoApiRequest() throws InterruptedException {
    MockApiServer.drain(server);
    for (int i = 0; i < 5; i++) {
      https()
          .body(Reviews.create(harborSlice("10.0.0.250")))
          .post(PATH)
          .then()
          .statusCode(200)
          .body("response.allowed", equalTo(true));
    }
    assertThat(MockApiServer.drain(server)).filteredOn(r -> !r.contains("/leases")).isEmpty();
  }

  @Test
  void aMetadataOnlyUpdateOfANowForeignAddressIsAllowed() {
    EndpointSlice old = harborSlice("10.244.3.7");
    EndpointSlice labelled =
        new EndpointSliceBuilder(old).editMetadata().addToLabels("team", "a").endMetadata().build();
    https()
        .body(Reviews.update(labelled, old))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true));
    https()
        .body(Reviews.update(harborSlice("10.244.3.7", "10.0.0.250"), old))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false));
  }

  @Test
  void deniesAForgedControllerSlice() {
    EndpointSlice forged =
        new EndpointSliceBuilder(harborSlice("10.0.0.250"))
            .editMetadata()
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .build();
    https()
        .body(Reviews.create(forged))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false))
        .body(
            "response.status.message",
            startsWith(
                "EndpointSlice \"default/harbor-modern-1\" denied: [slice-managed-by-controller]"));
  }

  @Test
  void anUndecodableSliceFailsClosed() {
    var review = Reviews.review("CREATE", harborSlice("10.0.0.250"), null, Reviews.USER);
    String broken =
        Reviews.json(review).replaceFirst("\"endpoints\":\\[", "\"endpoints\":\"oops\",\"x\":[");
    https()
        .body(broken)
        .post(PATH)
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(500))
        .body(
            "response.status.message",
            startsWith(
                "EndpointSlice \"default/harbor-modern-1\" could not be checked, so it is denied: "));
  }
}
