package dev.endpointsguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Pod read from a manifest keeps everything the view keeps of a fully bound one. */
class PodManifestsTest {

  final ObjectMapper mapper =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void slimsLikeTheFullyBoundPod() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("registry-0")
            .withUid("u-1")
            .withLabels(Map.of("app", "registry"))
            .withAnnotations(Map.of("endpoints-guard.dev/x", "y", "other", "dropped"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-1")
            .withHostname("registry-0")
            .withSubdomain("registry")
            .withHostNetwork(true)
            .addNewContainer()
            .withName("registry")
            .withImage("registry:2")
            .addNewPort()
            .withName("http")
            .withContainerPort(5000)
            .withProtocol("TCP")
            .endPort()
            .addNewEnv()
            .withName("A")
            .withValue("b")
            .endEnv()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/")
            .endHttpGet()
            .endReadinessProbe()
            .endContainer()
            .addNewInitContainer()
            .withName("proxy")
            .withRestartPolicy("Always")
            .addNewPort()
            .withContainerPort(15001)
            .endPort()
            .endInitContainer()
            .addNewInitContainer()
            .withName("migrate")
            .endInitContainer()
            .addNewVolume()
            .withName("data")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.244.1.7")
            .addNewPodIP("10.244.1.7")
            .addNewPodIP("fd00::7")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    JsonNode manifest = mapper.valueToTree(pod);

    Pod read = PodManifests.read(manifest, mapper);

    assertThat(Slimmer.slim(read)).isEqualTo(Slimmer.slim(mapper.treeToValue(manifest, Pod.class)));
    assertThat(read.getStatus().getPodIPs()).hasSize(2);
    assertThat(read.getSpec().getInitContainers())
        .extracting("name")
        .containsExactly("proxy", "migrate");
  }

  @Test
  void aPodWithoutSpecOrStatusIsKeptAsSuch() throws Exception {
    JsonNode manifest =
        mapper.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}");
    Pod read = PodManifests.read(manifest, mapper);
    assertThat(Slimmer.slim(read)).isEqualTo(Slimmer.slim(mapper.treeToValue(manifest, Pod.class)));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"spec":"x"}                                        | Pod spec must be an object
          {"spec":{"containers":{"name":"c"}}}                | Pod spec.containers must be a list
          {"spec":{"containers":[{"ports":"80"}]}}            | Pod spec.containers[].ports must be a list
          {"status":{"podIPs":"10.0.0.1"}}                    | Pod status.podIPs must be a list
          """)
  void aWrongShapeIsAClearError(String json, String message) throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PodManifests.read(mapper.readTree(json), mapper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
