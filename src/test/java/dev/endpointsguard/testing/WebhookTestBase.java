package dev.endpointsguard.testing;

import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What every HTTPS webhook test needs: the CRUD mock API server as the cluster, the app's cluster
 * view to wait on, and RestAssured pointed at the admission (HTTPS) and management ports.
 * Subclasses carry {@code @QuarkusTest} and {@code @WithKubernetesTestServer(crud = true)}.
 */
public abstract class WebhookTestBase {

  @KubernetesTestServer protected KubernetesServer server;

  @Inject protected KubernetesClient client;

  @Inject protected ClusterView view;

  @TestHTTPResource(value = "/", tls = true)
  protected URL base;

  @TestHTTPResource(value = "/", management = true)
  protected URL management;

  /** Creates or replaces the objects in the mock API server. */
  protected void apply(HasMetadata... objects) {
    for (HasMetadata object : objects) {
      client.resource(object).createOr(NonDeletingOperation::update);
    }
  }

  /** Waits until the informer-backed view shows what a test seeded. */
  protected void awaitView(BooleanSupplier condition) {
    await().atMost(Duration.ofSeconds(10)).until(condition::getAsBoolean);
  }

  protected RequestSpecification https() {
    return https(ContentType.JSON.toString());
  }

  protected RequestSpecification https(String contentType) {
    return RestAssured.given()
        .relaxedHTTPSValidation()
        .baseUri(base.toString())
        .contentType(contentType);
  }

  /**
   * The management server (health, metrics); the injected URL carries the {@code /q} root, requests
   * name it again.
   */
  protected RequestSpecification managementPort() {
    return RestAssured.given().baseUri(URI.create(management.toString()).resolve("/").toString());
  }
}
