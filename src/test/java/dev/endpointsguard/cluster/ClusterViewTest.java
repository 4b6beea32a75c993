package dev.endpointsguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endpointsguard.testing.KubeObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files-backed view and the indexes every view shares. */
class ClusterViewTest {

  @Test
  void theExampleManifestsLoadWithMultiDocumentsAndLists() {
    InMemoryClusterView view =
        InMemoryClusterView.of(ManifestFiles.load(List.of("examples/cluster")));
    assertThat(view.services())
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "nginx-svc-clusterip", "harbor", "harbor-modern", "nginx-managed", "legacy-db");
    assertThat(view.pods("default")).hasSize(3);
    assertThat(view.endpoints("default", "harbor")).isPresent();
    assertThat(view.endpointSlicesOf("default", "harbor-modern"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("harbor-modern-1");
    assertThat(view.namespace("registry").orElseThrow().getMetadata().getAnnotations())
        .containsEntry("endpoints-guard.dev/session-affinity", "ClientIP");
    assertThat(view.servicesByIp("10.96.120.10"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("nginx-svc-clusterip");
    assertThat(view.podsByIp("10.244.2.12"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("nginx-7c5ddbdf54-8mzlp");
    assertThat(view.synced()).isTrue();
  }

  @Test
  void missingAndBrokenManifestsAreNamed(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> ManifestFiles.load(List.of(dir.resolve("nope.yaml").toString())))
        .hasMessageContaining("endpoints-guard.cluster.files:")
        .hasMessageContaining("nope.yaml does not exist");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: Service\n  : [unclosed");
    assertThatThrownBy(() -> ManifestFiles.load(List.of(broken.toString())))
        .hasMessageContaining("broken.yaml is not a readable Kubernetes manifest");
  }

  @Test
  void ipIndexesAreCanonicalAndFollowUpdatesAndDeletes() {
    InMemoryClusterView view = new InMemoryClusterView();
    var svc =
        new ServiceBuilder(KubeObjects.selectorless("a", "db", "10.96.0.1").build())
            .editSpec()
            .withClusterIPs("10.96.0.1", "FD00::0001")
            .endSpec()
            .build();
    view.put(svc);
    assertThat(view.servicesByIp("fd00::1")).hasSize(1);
    view.put(
        new ServiceBuilder(svc)
            .editSpec()
            .withClusterIP("10.96.0.2")
            .withClusterIPs("10.96.0.2")
            .endSpec()
            .build());
    assertThat(view.servicesByIp("10.96.0.1")).isEmpty();
    assertThat(view.servicesByIp("10.96.0.2")).hasSize(1);
    view.remove(svc);
    assertThat(view.servicesByIp("10.96.0.2")).isEmpty();

    view.put(
        new PodBuilder(KubeObjects.running("b", "host", "10.0.0.5"))
            .editSpec()
            .withHostNetwork(true)
            .endSpec()
            .build());
    assertThat(view.podsByIp("10.0.0.5")).as("hostNetwork pods carry the node's IP").isEmpty();
  }

  @Test
  void listenersSeeOldAndNewObjects() {
    InMemoryClusterView view = new InMemoryClusterView();
    List<String> seen = new ArrayList<>();
    view.addListener((oldObject, newObject) -> seen.add(name(oldObject) + "->" + name(newObject)));
    var pod = KubeObjects.running("a", "p", "10.244.0.1");
    view.put(pod);
    view.put(pod);
    view.remove(pod);
    assertThat(seen).containsExactly("null->p", "p->p", "p->null");
  }

  @Test
  void slimmedPodsKeepWhatRulesAndReconcilerRead() {
    var pod =
        new PodBuilder(KubeObjects.running("a", "p", "10.244.0.1"))
            .editMetadata()
            .addToAnnotations("big", "x".repeat(1000))
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .withImage("registry/huge:1")
            .addNewEnv()
            .withName("A")
            .withValue("b")
            .endEnv()
            .endContainer()
            .endSpec()
            .build();
    var slim = Slimmer.slim(pod);
    assertThat(slim.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(slim.getSpec().getContainers().get(0).getImage()).isNull();
    assertThat(slim.getSpec().getContainers().get(0).getEnv()).isNullOrEmpty();
    assertThat(slim.getSpec().getContainers().get(0).getPorts()).hasSize(1);
    assertThat(slim.getStatus().getPodIPs()).hasSize(1);
    assertThat(slim.getStatus().getConditions())
        .extracting(c -> c.getType())
        .containsExactly("Ready");
    assertThat(slim.getMetadata().getLabels()).isEqualTo(pod.getMetadata().getLabels());
  }

  @Test
  void readinessIsDownUntilTheViewHasSynced() {
    var synced = new java.util.concurrent.atomic.AtomicBoolean(false);
    ClusterView view =
        new InMemoryClusterView() {
          @Override
          public boolean synced() {
            return synced.get();
          }
        };
    ClusterReadiness readiness = new ClusterReadiness(view);
    assertThat(readiness.call().getStatus())
        .isEqualTo(org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN);
    synced.set(true);
    assertThat(readiness.call().getStatus())
        .isEqualTo(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP);
  }

  static String name(HasMetadata object) {
    return object == null ? "null" : object.getMetadata().getName();
  }
}
