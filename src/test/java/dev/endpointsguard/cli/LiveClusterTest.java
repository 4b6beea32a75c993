package dev.endpointsguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kubeconfig}: one read of a (mock) API server, lists only. */
@EnableKubernetesMockClient(crud = true, https = false)
class LiveClusterTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  Path kubeconfig;

  private final Properties saved = new Properties();

  /**
   * The client lets {@code kubernetes.*} system properties override a kubeconfig; Quarkus test
   * resources of other tests in this JVM set some (the master URL of their own mock server).
   */
  @BeforeEach
  void isolateFromOtherTests() {
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("kubernetes.")) {
        saved.setProperty(key, System.getProperty(key));
        System.clearProperty(key);
      }
    }
  }

  @AfterEach
  void restore() {
    saved.forEach((k, v) -> System.setProperty((String) k, (String) v));
  }

  @BeforeEach
  void cluster() throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("harbor")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.200.20")
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .pods()
        .inNamespace("other")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace("other")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.244.9.9")
                .addNewPodIP("10.244.9.9")
                .endStatus()
                .build())
        .create();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "%s"}
        users:
          - name: someone
            user: {token: not-a-secret}
        contexts:
          - name: mock
            context: {cluster: mock, user: someone, namespace: default}
        current-context: mock
        """
            .formatted(client.getConfiguration().getMasterUrl()));
    requests(); // forget the setup's writes
  }

  List<String> requests() throws InterruptedException {
    List<String> requests = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(r.getMethod() + " " + r.getPath());
    }
    return requests;
  }

  Path manifest(String yaml) throws IOException {
    Path file = dir.resolve("endpoints.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void theLiveClusterSuppliesTheServiceAndIsOnlyListed() throws Exception {
    Path file = manifest(CheckCommandTest.HARBOR_ENDPOINTS);

    var offline = Cli.plain().run("-f", file.toString());
    var live = Cli.plain().run("-f", file.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(offline.out()).contains("[service-missing]");
    assertThat(live.status()).as(live.err()).isZero();
    assertThat(live.out()).isEqualTo("1 object checked: 0 denied, 0 warned\n");
    List<String> requests = requests();
    assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
    assertThat(requests)
        .anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/services?"))
        .anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/endpoints?"))
        .anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/pods?"))
        .anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/namespaces?"))
        .anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/nodes?"))
        .anySatisfy(r -> assertThat(r).startsWith("GET /apis/discovery.k8s.io/v1/endpointslices?"))
        .allSatisfy(r -> assertThat(r).contains("limit=500"))
        .noneSatisfy(r -> assertThat(r).contains("watch"));
  }

  @Test
  void theRulesSeeLivePods() throws Exception {
    Path file = manifest(CheckCommandTest.HARBOR_ENDPOINTS.replace("10.0.0.250", "10.244.9.9"));

    var run = Cli.plain().run("-f", file.toString(), "--kubeconfig=" + kubeconfig);

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).contains("Endpoints default/harbor: deny [ip-foreign-pod]");
  }

  @Test
  void anUnreachableApiServerIsAnInputError() throws Exception {
    Files.writeString(
        kubeconfig,
        Files.readString(kubeconfig)
            .replace(client.getConfiguration().getMasterUrl(), "http://127.0.0.1:1/"));
    Path file = manifest(CheckCommandTest.HARBOR_ENDPOINTS);

    var run =
        Cli.plain().run("-f", file.toString(), "--kubeconfig", kubeconfig.toString(), "-o", "json");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("cannot list Namespaces of the live cluster");
    assertThat(run.out()).isEmpty();
  }
}
