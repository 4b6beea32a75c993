package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * UPDATEs of Endpoints through the handler, with {@code oldObject} on the wire
 * (docs/contract.md#update-semantics): the cluster has the selectorless Service {@code
 * default/harbor} and a Pod of namespace {@code other} whose IP {@code 10.244.9.9} a stored
 * Endpoints object still lists.
 */
class UpdateSemanticsTest {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String FOREIGN_POD_IP = "10.244.9.9";

  final InMemoryClusterView cluster =
      InMemoryClusterView.of(
          KubeObjects.selectorless("default", "harbor", "10.96.200.20").build(),
          KubeObjects.running("other", "db-0", FOREIGN_POD_IP));
  final AdmissionHandler handler =
      new AdmissionHandler(
          cluster,
          TestSettings.defaults(),
          MAPPER,
          new AdmissionMetrics(new SimpleMeterRegistry()));

  JsonNode update(Endpoints object, Endpoints old) throws IOException {
    byte[] body = Reviews.update(object, old).getBytes(StandardCharsets.UTF_8);
    return MAPPER
        .readTree(handler.handle(new Webhooks().validateEndpoints(), body))
        .path("response");
  }

  static EndpointsBuilder harbor(String... ips) {
    return KubeObjects.endpoints("default", "harbor", 80, ips);
  }

  @Test
  void labellingEndpointsWithALegacySpellingIsAllowed() throws IOException {
    Endpoints stored = harbor("010.0.0.1").build();
    Endpoints labelled =
        new EndpointsBuilder(stored).editMetadata().addToLabels("team", "a").endMetadata().build();
    JsonNode response = update(labelled, stored);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("warnings")).isFalse();
  }

  @Test
  void removingAFinalizerFromEndpointsBeingDeletedIsAllowed() throws IOException {
    Endpoints stored =
        harbor(FOREIGN_POD_IP)
            .editMetadata()
            .addToFinalizers("example.com/cleanup")
            .withDeletionTimestamp("2024-05-01T10:00:00Z")
            .endMetadata()
            .build();
    Endpoints released =
        new EndpointsBuilder(stored).editMetadata().withFinalizers().endMetadata().build();
    assertThat(update(released, stored).path("allowed").asBoolean()).isTrue();
  }

  @Test
  void rewritingSubsetsWhileBeingDeletedIsJudgedInFull() throws IOException {
    Endpoints stored =
        harbor("10.0.0.250")
            .editMetadata()
            .withDeletionTimestamp("2024-05-01T10:00:00Z")
            .endMetadata()
            .build();
    Endpoints rewritten =
        new EndpointsBuilder(harbor(FOREIGN_POD_IP).build())
            .editMetadata()
            .withDeletionTimestamp("2024-05-01T10:00:00Z")
            .addToFinalizers("example.com/cleanup")
            .endMetadata()
            .build();
    JsonNode response = update(rewritten, stored);
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("[ip-foreign-pod] subsets[0].addresses[0].ip: " + FOREIGN_POD_IP);
  }

  @Test
  void removingTheSkipMirrorLabelIsJudgedInFull() throws IOException {
    Endpoints stored =
        harbor(FOREIGN_POD_IP)
            .editMetadata()
            .addToLabels(WellKnown.SKIP_MIRROR_LABEL, "true")
            .endMetadata()
            .build();
    Endpoints mirrored =
        new EndpointsBuilder(stored)
            .editMetadata()
            .removeFromLabels(WellKnown.SKIP_MIRROR_LABEL)
            .endMetadata()
            .build();
    JsonNode response = update(mirrored, stored);
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText()).contains("[ip-foreign-pod]");
  }

  @Test
  void keepingALegacySpellingWhileAddingAnAddressWarns() throws IOException {
    JsonNode response =
        update(harbor("010.0.0.1", "10.0.0.250").build(), harbor("010.0.0.1").build());
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings")).hasSize(1);
    assertThat(response.path("warnings").get(0).asText())
        .startsWith("[ip-invalid] subsets[0].addresses[0].ip: \"010.0.0.1\"");
  }

  @Test
  void addingANewLegacySpellingIsDenied() throws IOException {
    JsonNode response =
        update(harbor("010.0.0.1", "010.0.0.2").build(), harbor("010.0.0.1").build());
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("[ip-invalid] subsets[0].addresses[1].ip: \"010.0.0.2\"")
        .doesNotContain("010.0.0.1");
    assertThat(response.path("warnings").get(0).asText()).contains("\"010.0.0.1\"");
  }

  @Test
  void theEndpointsHookReadsTheOldObject() {
    assertThat(new Webhooks().validateEndpoints().oldObject()).isEqualTo(Webhook.OldObject.READ);
  }
}
