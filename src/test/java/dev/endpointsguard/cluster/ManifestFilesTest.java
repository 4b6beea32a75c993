package dev.endpointsguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the files source reads from a directory of manifests. */
class ManifestFilesTest {

  @TempDir Path dir;

  @Test
  void readsDocumentsListsAndJsonAndSkipsOtherKinds() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata: {name: harbor, namespace: default}
        spec: {ports: [{port: 80}]}
        ---
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: skipped}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Endpoints
          metadata: {name: harbor, namespace: default}
          subsets: [{addresses: [{ip: 10.0.0.250}]}]
        """);
    Files.writeString(
        dir.resolve("b.json"),
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}");

    List<HasMetadata> objects = ManifestFiles.load(List.of(dir.toString()));

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactly("Service", "Endpoints", "Namespace");
    assertThat(((Service) objects.get(0)).getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(((Endpoints) objects.get(1)).getSubsets().get(0).getAddresses().get(0).getIp())
        .isEqualTo("10.0.0.250");
  }

  @Test
  void aFileThatIsNoManifestIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.yaml"), "just: text\n");
    assertThatThrownBy(() -> ManifestFiles.load(List.of(file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "notes.yaml is not a readable Kubernetes manifest: line 1: not a Kubernetes object:"
                + " apiVersion and kind must be set");
  }
}
