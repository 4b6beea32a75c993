package dev.endpointsguard.admission;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Endpoints webhook over HTTPS, with the CRUD mock API server as the cluster. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EndpointsWebhookTest extends WebhookTestBase {

  @BeforeEach
  void seed() {
    apply(
        KubeObjects.selectorless("default", "harbor", "10.96.200.20").build(),
        KubeObjects.withSelector(
                "default", "nginx-svc-clusterip", "10.96.120.10", Map.of("app", "nginx"))
            .build());
    awaitView(
        () ->
            view.service("default", "harbor").isPresent()
                && view.service("default", "nginx-svc-clusterip").isPresent());
  }

  @Test
  void deniesEndpointsWhoseServiceDoesNotExist() {
    Endpoints typo = KubeObjects.endpoints("default", "harbour", "10.0.0.250");
    var review = Reviews.review("CREATE", typo, null, Reviews.USER);
    https()
        .body(Reviews.json(review))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("apiVersion", equalTo("admission.k8s.io/v1"))
        .body("kind", equalTo("AdmissionReview"))
        .body("response.uid", equalTo(review.getRequest().getUid()))
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(403))
        .body("response.status.reason", equalTo("Forbidden"))
        .body(
            "response.status.message",
            startsWith(
                "Endpoints \"default/harbour\" denied: [service-missing] no Service \"default/harbour\" exists"))
        .body("response.patch", nullValue());
  }

  @Test
  void allowsTheSeedHarborEndpoints() {
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body("response.warnings", nullValue())
        .body("response.status", nullValue());
  }

  @Test
  void warnsAboutManualEndpointsOfASelectorService() {
    Endpoints manual =
        new io.fabric8.kubernetes.api.model.EndpointsBuilder(
                KubeObjects.endpoints("default", "nginx-svc-clusterip", "10.0.0.251"))
            .editFirstSubset()
            .editFirstPort()
            .withName("clusterip-nginx")
            .endPort()
            .endSubset()
            .build();
    https()
        .body(Reviews.create(manual))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true))
        .body(
            "response.warnings",
            contains(
                startsWith(
                    "[service-has-selector] Service \"default/nginx-svc-clusterip\" has a selector")));
  }
}
