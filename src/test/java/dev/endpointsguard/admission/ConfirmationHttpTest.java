package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.MockApiServer;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Confirmation before a denial over HTTPS, against the mock API server
 * (docs/contract.md#confirmation-before-a-denial).
 *
 * <p>A view that lags, deterministically: the mock server serves CRUD for everything the informers
 * list and watch, and in addition answers <em>expectations</em> first. A Service known only as an
 * expectation on its GET path ({@code /api/v1/namespaces/default/services/<name>}) is exactly what
 * the API server has and the informer has not seen yet: the informers' lists and watches go to the
 * CRUD store, where it never appears.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConfirmationHttpTest extends WebhookTestBase {

  @Inject MeterRegistry registry;

  @BeforeEach
  void seed() throws InterruptedException {
    apply(KubeObjects.selectorless("default", "harbor", "10.96.200.20").build());
    awaitView(() -> view.service("default", "harbor").isPresent());
    MockApiServer.drain(server);
  }

  double count(String outcome) {
    return registry.get("endpoints_guard_confirmations").tag("outcome", outcome).counter().count();
  }

  List<String> apiRequests() throws InterruptedException {
    return MockApiServer.drain(server).stream().filter(r -> !r.contains("/leases")).toList();
  }

  void expectService(String name) {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/services/" + name)
        .andReturn(200, KubeObjects.selectorless("default", name, "10.96.0.77").build())
        .always();
  }

  @Test
  void aServiceTheViewHasNotSeenIsReadOnceAndTheDenialOverturned() throws InterruptedException {
    expectService("late-web");
    double before = count("overturned");
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "late-web", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(true));
    assertThat(view.service("default", "late-web")).isEmpty();
    assertThat(apiRequests()).containsExactly("GET /api/v1/namespaces/default/services/late-web");
    assertThat(count("overturned")).isEqualTo(before + 1);
  }

  @Test
  void aServiceTheApiServerHasNotEitherStaysDenied() throws InterruptedException {
    double before = count("confirmed");
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "harbour", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false))
        .body("response.status.message", containsString("[service-missing]"));
    assertThat(apiRequests()).containsExactly("GET /api/v1/namespaces/default/services/harbour");
    assertThat(count("confirmed")).isEqualTo(before + 1);
  }

  @Test
  void aFailingApiServerIsAskedOnceAndTheViewsDenialStands() throws InterruptedException {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/services/broken")
        .andReturn(500, "{}")
        .always();
    double before = count("failed");
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "broken", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(403));
    // no retries: one request whatever the answer
    assertThat(apiRequests()).containsExactly("GET /api/v1/namespaces/default/services/broken");
    assertThat(count("failed")).isEqualTo(before + 1);
  }

  @Test
  void aSlowApiServerIsCutOffByTheConfirmTimeout() {
    server
        .expect()
        .get()
        .delay(5, TimeUnit.SECONDS)
        .withPath("/api/v1/namespaces/default/services/slow")
        .andReturn(200, KubeObjects.selectorless("default", "slow", "10.96.0.78").build())
        .always();
    double before = count("failed");
    long start = System.nanoTime();
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "slow", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false));
    // endpoints-guard.cluster.confirm-timeout is 1s by default
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000);
    assertThat(count("failed")).isEqualTo(before + 1);
  }

  @Test
  void allowedAndWarningOnlyReviewsMakeNoApiRequest() throws InterruptedException {
    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .body("response.allowed", equalTo(true));
    https()
        .body(
            Reviews.create(KubeObjects.endpoints("default", "harbor", "10.0.0.250", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .body("response.allowed", equalTo(true))
        .body("response.warnings[0]", containsString("[address-duplicate]"));
    assertThat(apiRequests()).isEmpty();
  }
}
