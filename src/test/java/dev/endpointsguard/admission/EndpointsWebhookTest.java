package dev.endpointsguard.admission;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.testing.Objects;
import dev.endpointsguard.testing.Reviews;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The Endpoints webhook over HTTPS, with the CRUD mock API server as the cluster. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EndpointsWebhookTest {

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    ClusterView view;

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @BeforeEach
    void seed() {
        client.resource(Objects.selectorless("default", "harbor", "10.96.200.20").build()).createOr(NonDeletingOperation::update);
        client.resource(Objects.withSelector("default", "nginx-svc-clusterip", "10.96.120.10", Map.of("app", "nginx")).build())
                .createOr(NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default", "harbor").isPresent()
                && view.service("default", "nginx-svc-clusterip").isPresent());
    }

    private RequestSpecification https() {
        return RestAssured.given().relaxedHTTPSValidation().baseUri(base.toString()).contentType(ContentType.JSON);
    }

    @Test
    void deniesEndpointsWhoseServiceDoesNotExist() {
        Endpoints typo = Objects.endpoints("default", "harbour", "10.0.0.250");
        var review = Reviews.review("CREATE", typo, null, Reviews.USER);
        https().body(Reviews.json(review)).post("/validate/endpoints").then()
                .statusCode(200)
                .body("apiVersion", equalTo("admission.k8s.io/v1"))
                .body("kind", equalTo("AdmissionReview"))
                .body("response.uid", equalTo(review.getRequest().getUid()))
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(403))
                .body("response.status.reason", equalTo("Forbidden"))
                .body("response.status.message", startsWith("Endpoints \"default/harbour\" denied: [service-missing] no Service \"default/harbour\" exists"))
                .body("response.patch", nullValue());
    }

    @Test
    void allowsTheSeedHarborEndpoints() {
        https().body(Reviews.create(Objects.endpoints("default", "harbor", "10.0.0.250"))).post("/validate/endpoints").then()
                .statusCode(200)
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.status", nullValue());
    }

    @Test
    void warnsAboutManualEndpointsOfASelectorService() {
        Endpoints manual = new io.fabric8.kubernetes.api.model.EndpointsBuilder(Objects.endpoints("default", "nginx-svc-clusterip", "10.0.0.251"))
                .editFirstSubset().editFirstPort().withName("clusterip-nginx").endPort().endSubset().build();
        https().body(Reviews.create(manual)).post("/validate/endpoints").then()
                .statusCode(200)
                .body("response.allowed", equalTo(true))
                .body("response.warnings", contains(startsWith("[service-has-selector] Service \"default/nginx-svc-clusterip\" has a selector")));
    }
}
