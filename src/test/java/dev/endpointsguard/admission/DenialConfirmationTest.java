package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.RuleId;
import dev.endpointsguard.rules.Settings;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Confirmation before a denial (docs/contract.md#confirmation-before-a-denial) through the handler,
 * with the API server replaced by a map of objects that records every read. The view knows the
 * Service {@code default/harbor} only.
 */
class DenialConfirmationTest {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** The API server: objects by {@code kind/ns/name}; every read is logged. */
  static final class FakeApi implements DenialConfirmation.ApiReads {
    final Map<String, Object> objects = new HashMap<>();
    final List<String> reads = new ArrayList<>();
    RuntimeException failure;

    @Override
    public Optional<Service> service(String namespace, String name) {
      return read("GET services/" + namespace + "/" + name, Service.class);
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return read("GET pods/" + namespace + "/" + name, Pod.class);
    }

    @Override
    public List<Pod> pods(String namespace) {
      reads.add("LIST pods/" + namespace);
      if (failure != null) {
        throw failure;
      }
      return objects.entrySet().stream()
          .filter(e -> e.getKey().startsWith("GET pods/" + namespace + "/"))
          .map(e -> (Pod) e.getValue())
          .toList();
    }

    private <T> Optional<T> read(String what, Class<T> type) {
      reads.add(what);
      if (failure != null) {
        throw failure;
      }
      return Optional.ofNullable(type.cast(objects.get(what)));
    }

    void add(Service s) {
      objects.put(
          "GET services/" + s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
    }

    void add(Pod p) {
      objects.put(
          "GET pods/" + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
    }
  }

  final FakeApi api = new FakeApi();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InMemoryClusterView view =
      InMemoryClusterView.of(KubeObjects.selectorless("default", "harbor", "10.96.200.20").build());

  JsonNode create(Endpoints endpoints) throws IOException {
    return create(endpoints, TestSettings.defaults());
  }

  JsonNode create(Endpoints endpoints, Settings settings) throws IOException {
    AdmissionMetrics metrics = new AdmissionMetrics(registry);
    AdmissionHandler handler =
        new AdmissionHandler(view, settings, MAPPER, metrics, new DenialConfirmation(api, metrics));
    byte[] body = Reviews.create(endpoints).getBytes(StandardCharsets.UTF_8);
    return MAPPER
        .readTree(handler.handle(new Webhooks().validateEndpoints(), body))
        .path("response");
  }

  JsonNode create(EndpointSlice slice) throws IOException {
    AdmissionMetrics metrics = new AdmissionMetrics(registry);
    AdmissionHandler handler =
        new AdmissionHandler(
            view, TestSettings.defaults(), MAPPER, metrics, new DenialConfirmation(api, metrics));
    byte[] body = Reviews.create(slice).getBytes(StandardCharsets.UTF_8);
    return MAPPER
        .readTree(handler.handle(new Webhooks().validateEndpointSlices(), body))
        .path("response");
  }

  double count(String outcome) {
    return registry.get("endpoints_guard_confirmations").tag("outcome", outcome).counter().count();
  }

  @Test
  void aServiceTheViewHasNotSeenYetOverturnsTheDenial() throws IOException {
    api.add(KubeObjects.selectorless("default", "late", "10.96.0.50").build());
    JsonNode response = create(KubeObjects.endpoints("default", "late", "10.0.0.250"));
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET services/default/late");
    assertThat(count("overturned")).isEqualTo(1);
    assertThat(count("confirmed") + count("failed")).isZero();
  }

  @Test
  void aServiceTheApiServerHasNotEitherConfirmsTheDenial() throws IOException {
    JsonNode response = create(KubeObjects.endpoints("default", "harbour", "10.0.0.250"));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText()).contains("[service-missing]");
    assertThat(api.reads).containsExactly("GET services/default/harbour");
    assertThat(count("confirmed")).isEqualTo(1);
  }

  @Test
  void aFailedReadLeavesTheViewsDenial() throws IOException {
    api.add(KubeObjects.selectorless("default", "late", "10.96.0.50").build());
    api.failure = new KubernetesClientException("timeout");
    JsonNode response = create(KubeObjects.endpoints("default", "late", "10.0.0.250"));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("message").asText()).contains("[service-missing]");
    assertThat(api.reads).hasSize(1);
    assertThat(count("failed")).isEqualTo(1);
  }

  @Test
  void allowedReviewsWarningsAndIpDenialsReadNothing() throws IOException {
    assertThat(
            create(KubeObjects.endpoints("default", "harbor", "10.0.0.250"))
                .path("allowed")
                .asBoolean())
        .isTrue();
    JsonNode warned =
        create(KubeObjects.endpoints("default", "harbor", "10.0.0.250", "10.0.0.250"));
    assertThat(warned.path("allowed").asBoolean()).isTrue();
    assertThat(warned.path("warnings")).isNotEmpty();
    assertThat(
            create(KubeObjects.endpoints("default", "harbor", "127.0.0.1"))
                .path("allowed")
                .asBoolean())
        .isFalse();
    assertThat(api.reads).isEmpty();
    assertThat(count("confirmed") + count("overturned") + count("failed")).isZero();
  }

  @Test
  void aServiceRuleSetToDenyIsConfirmedWithTheService() throws IOException {
    view.put(
        KubeObjects.withSelector("default", "web", "10.96.0.60", Map.of("app", "web"))
            .editSpec()
            .withPorts(KubeObjects.selectorless("x", "y", "10.96.0.1").build().getSpec().getPorts())
            .endSpec()
            .build());
    api.add(KubeObjects.selectorless("default", "web", "10.96.0.60").build());
    Settings strict =
        TestSettings.defaults().withAction(RuleId.SERVICE_HAS_SELECTOR, RuleAction.DENY);
    JsonNode response = create(KubeObjects.endpoints("default", "web", "10.0.0.250"), strict);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET services/default/web");
  }

  @Test
  void targetRefsAreConfirmedWithOneGetOrOneListAndAtMostTwoReads() throws IOException {
    api.add(KubeObjects.running("default", "api-0", "10.244.0.10"));
    api.add(KubeObjects.running("default", "api-1", "10.244.0.11"));
    api.add(KubeObjects.selectorless("default", "late", "10.96.0.50").build());

    assertThat(create(withTargets("harbor", "api-0")).path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET pods/default/api-0");

    api.reads.clear();
    assertThat(create(withTargets("late", "api-0", "api-1")).path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET services/default/late", "LIST pods/default");
    assertThat(count("overturned")).isEqualTo(2);
  }

  /** Endpoints whose addresses name Pods {@code api-N} with IPs {@code 10.244.0.1N}. */
  static Endpoints withTargets(String name, String... pods) {
    EndpointsBuilder b = new EndpointsBuilder(KubeObjects.endpoints("default", name, 80).build());
    var subset = b.editFirstSubset();
    for (String pod : pods) {
      subset.addToAddresses(
          new EndpointAddressBuilder()
              .withIp("10.244.0.1" + pod.substring(pod.length() - 1))
              .withNewTargetRef()
              .withKind("Pod")
              .withName(pod)
              .endTargetRef()
              .build());
    }
    return subset.endSubset().build();
  }

  @Test
  void aSliceIsConfirmedWithTheServiceItsLabelNames() throws IOException {
    api.add(KubeObjects.selectorless("default", "late", "10.96.0.50").build());
    JsonNode response =
        create(KubeObjects.slice("default", "late-abc", "late", 80, "10.0.0.250").build());
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET services/default/late");
    assertThat(count("overturned")).isEqualTo(1);
  }

  @Test
  void aSliceForAServiceNobodyHasStaysDenied() throws IOException {
    JsonNode response =
        create(KubeObjects.slice("default", "harbour-1", "harbour", 80, "10.0.0.250").build());
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .startsWith("EndpointSlice \"default/harbour-1\" denied: [service-missing]")
        .contains("this EndpointSlice");
    assertThat(api.reads).containsExactly("GET services/default/harbour");
  }

  @Test
  void aSliceTargetRefIsConfirmedWithItsPod() throws IOException {
    api.add(KubeObjects.running("default", "web-0", "10.244.1.7"));
    EndpointSlice slice =
        KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.244.1.7")
            .editFirstEndpoint()
            .withNewTargetRef()
            .withKind("Pod")
            .withName("web-0")
            .endTargetRef()
            .endEndpoint()
            .build();
    JsonNode response = create(slice);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(api.reads).containsExactly("GET pods/default/web-0");
  }

  @Test
  void anAllowedOrIpDeniedSliceReadsNothing() throws IOException {
    assertThat(
            create(KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.250").build())
                .path("allowed")
                .asBoolean())
        .isTrue();
    assertThat(
            create(KubeObjects.slice("default", "harbor-1", "harbor", 80, "127.0.0.1").build())
                .path("allowed")
                .asBoolean())
        .isFalse();
    assertThat(api.reads).isEmpty();
  }
}
