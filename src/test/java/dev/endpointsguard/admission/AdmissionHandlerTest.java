package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.cluster.ManifestFiles;
import dev.endpointsguard.testing.TestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's examples and the failure modes, without HTTP: the handler over the example cluster.
 */
class AdmissionHandlerTest {

  static final ObjectMapper MAPPER = new ObjectMapper();
  final InMemoryClusterView examples =
      InMemoryClusterView.of(ManifestFiles.load(List.of("examples/cluster")));
  final Webhooks webhooks = new Webhooks();

  JsonNode post(ClusterView view, Webhook<?> webhook, String file) throws IOException {
    AdmissionHandler handler =
        new AdmissionHandler(
            view, TestSettings.defaults(), MAPPER, new AdmissionMetrics(new SimpleMeterRegistry()));
    return MAPPER.readTree(
        handler.handle(webhook, Files.readAllBytes(Path.of("examples/reviews", file))));
  }

  @Test
  void theTypoExampleIsDenied() throws IOException {
    JsonNode response =
        post(examples, webhooks.validateEndpoints(), "endpoints-typo.json").path("response");
    assertThat(response.path("uid").asText()).isEqualTo("7f0b2e4c-0000-4000-8000-000000000001");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("message").asText())
        .isEqualTo(
            "Endpoints \"default/harbour\" denied: [service-missing] no Service"
                + " \"default/harbour\" exists, so nothing routes to these Endpoints; did you mean"
                + " Service \"default/harbor\"?");
  }

  @Test
  void theForeignPodSliceExampleIsDenied() throws IOException {
    JsonNode response =
        post(examples, webhooks.validateEndpointSlices(), "endpointslice-foreign-pod.json")
            .path("response");
    assertThat(response.path("uid").asText()).isEqualTo("7f0b2e4c-0000-4000-8000-000000000011");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("message").asText())
        .isEqualTo(
            "EndpointSlice \"registry/legacy-db-extra\" denied: [ip-foreign-pod]"
                + " endpoints[0].addresses[0]: 10.244.2.12 belongs to Pod"
                + " \"default/nginx-7c5ddbdf54-8mzlp\" of another namespace; forwarding to it"
                + " bypasses that namespace's policies (CVE-2021-25740), so only use Pods of"
                + " \"registry\" or external IPs");
  }

  @Test
  void theSeedsEndpointsBeforeTheirServiceAreDeniedWithTheApplyOrderExplained() throws IOException {
    JsonNode response =
        post(examples, webhooks.validateEndpoints(), "endpoints-seed-before-service.json")
            .path("response");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .isEqualTo(
            "Endpoints \"default/harbor-huangxin\" denied: [service-missing] no Service"
                + " \"default/harbor-huangxin\" exists, so nothing routes to these Endpoints;"
                + " create a selectorless Service of that name, or fix the name; if the Service is"
                + " in the same file, list it before the Endpoints (kubectl applies in order) or"
                + " apply again");
  }

  @Test
  void theModernHarborSliceIsAllowedWithoutWarnings() throws IOException {
    JsonNode response =
        post(examples, webhooks.validateEndpointSlices(), "endpointslice-harbor.json")
            .path("response");
    assertThat(response.path("uid").asText()).isEqualTo("7f0b2e4c-0000-4000-8000-000000000012");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("warnings")).isFalse();
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void theSelectorServiceExampleIsAllowedWithOneWarning() throws IOException {
    JsonNode response =
        post(examples, webhooks.validateEndpoints(), "endpoints-selector-service.json")
            .path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings")).hasSize(1);
    assertThat(response.path("warnings").get(0).asText())
        .startsWith(
            "[service-has-selector] Service \"default/nginx-svc-clusterip\" has a selector");
    assertThat(response.has("patch")).isFalse();
  }

  @Test
  void anUnsyncedViewMakesTheEndpointsHookAskForARetry() throws IOException {
    ClusterView unsynced =
        new InMemoryClusterView() {
          @Override
          public boolean synced() {
            return false;
          }
        };
    JsonNode response =
        post(unsynced, webhooks.validateEndpoints(), "endpoints-typo.json").path("response");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(503);
    assertThat(response.path("status").path("message").asText()).contains("retry in a few seconds");
    assertThat(
            post(unsynced, webhooks.mutateServices(), "service-mutate.json")
                .path("response")
                .path("allowed")
                .asBoolean())
        .isTrue();
  }

  @Test
  void metricsCountDecisionsAndFindings() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AdmissionHandler handler =
        new AdmissionHandler(
            examples, TestSettings.defaults(), MAPPER, new AdmissionMetrics(registry));
    handler.handle(
        webhooks.validateEndpoints(),
        Files.readAllBytes(Path.of("examples/reviews/endpoints-typo.json")));
    handler.handle(
        webhooks.validateEndpoints(),
        Files.readAllBytes(Path.of("examples/reviews/endpoints-selector-service.json")));
    assertThat(
            registry
                .get("endpoints_guard_admission_requests")
                .tag("decision", "deny")
                .tag("operation", "CREATE")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("endpoints_guard_admission_requests")
                .tag("decision", "warn")
                .tag("operation", "UPDATE")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("endpoints_guard_findings")
                .tag("rule", "service-missing")
                .tag("action", "deny")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("endpoints_guard_admission_duration")
                .tag("webhook", "/validate/endpoints")
                .timer()
                .count())
        .isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({
    "endpoints-typo.json, system:serviceaccount:kube-system:endpoint-controller",
    "endpoints-typo.json, system:apiserver",
    "endpoints-selector-service.json, system:kube-controller-manager",
    "service-mutate.json, system:apiserver"
  })
  void trustedWritersPassEveryHookUntouched(String file, String username) throws IOException {
    Webhook<?> webhook =
        file.startsWith("service") ? webhooks.mutateServices() : webhooks.validateEndpoints();
    JsonNode response = postAs(webhook, file, username, List.of()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("warnings")).isFalse();
    assertThat(response.has("patch")).isFalse();
  }

  @Test
  void groupsNeverGrantTrust() throws IOException {
    JsonNode response =
        postAs(
                webhooks.validateEndpoints(),
                "endpoints-typo.json",
                "admin",
                List.of("system:masters", "system:apiserver"))
            .path("response");
    assertThat(response.path("allowed").asBoolean()).isFalse();
  }

  JsonNode postAs(Webhook<?> webhook, String file, String username, List<String> groups)
      throws IOException {
    ObjectNode review = (ObjectNode) MAPPER.readTree(Path.of("examples/reviews", file).toFile());
    ObjectNode user = ((ObjectNode) review.path("request")).putObject("userInfo");
    user.put("username", username);
    groups.forEach(user.putArray("groups")::add);
    AdmissionHandler handler =
        new AdmissionHandler(
            examples,
            TestSettings.defaults(),
            MAPPER,
            new AdmissionMetrics(new SimpleMeterRegistry()));
    return MAPPER.readTree(handler.handle(webhook, MAPPER.writeValueAsBytes(review)));
  }
}
