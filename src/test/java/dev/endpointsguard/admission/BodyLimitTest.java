package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.RawHttps;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A body without a length that the memory budget admits is still cut off at 7 MiB by the route that
 * reads it, and the server goes on answering.
 */
@QuarkusTest
@TestProfile(BodyLimitTest.RoomyBudget.class)
@WithKubernetesTestServer(crud = true)
class BodyLimitTest extends WebhookTestBase {

  /** A budget that admits a body of unknown length (reserved at 20 × 7 MiB). */
  public static class RoomyBudget implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("endpoints-guard.admission.memory-budget", "1G");
    }
  }

  @Test
  void aChunkedBodyOver7MiBIsRefusedWith413WhileBeingRead() throws Exception {
    assertThat(RawHttps.endlessChunkedPost(base, "/validate/endpoints")).startsWith("HTTP/1.1 413");

    https()
        .body(Reviews.create(KubeObjects.endpoints("default", "nowhere", "10.0.0.250")))
        .post("/validate/endpoints")
        .then()
        .statusCode(200)
        .body("response.allowed", equalTo(false));
  }
}
