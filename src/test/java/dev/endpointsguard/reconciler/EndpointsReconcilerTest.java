package dev.endpointsguard.reconciler;

import static dev.endpointsguard.testing.KubeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The reconciler inside the application, against the CRUD mock API server, in the default mode
 * {@code annotated}. Each test uses its own namespace, so that tests do not see each other's
 * objects.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EndpointsReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Inject KubernetesClient client;

  @Inject Settings settings;

  @Inject EndpointsReconciler reconciler;

  @Inject MeterRegistry registry;

  /**
   * The management interface's port in tests ({@code %test.quarkus.management.test-port} in
   * application.properties).
   */
  @ConfigProperty(name = "quarkus.management.test-port")
  int managementPort;

  /**
   * The seed: selectorless {@code nginx-managed}, port web 8080 → targetPort http, selected by
   * annotation.
   */
  static Service annotated(String namespace, String name, String selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels("team", "edge")
        .addToAnnotations("endpoints-guard.dev/selector", selector)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("10.96.130.30")
        .withIpFamilies("IPv4")
        .addNewPort()
        .withName("web")
        .withPort(8080)
        .withProtocol("TCP")
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  static Pod nginx(String namespace, String name, String ip) {
    return pod(namespace, name, ip, Map.of("app", "nginx")).build();
  }

  Optional<Endpoints> endpoints(String namespace, String name) {
    return Optional.ofNullable(client.endpoints().inNamespace(namespace).withName(name).get());
  }

  List<String> ips(String namespace, String name) {
    return endpoints(namespace, name)
        .map(
            e ->
                e.getSubsets().stream()
                    .flatMap(s -> s.getAddresses().stream())
                    .map(EndpointAddress::getIp)
                    .sorted()
                    .toList())
        .orElse(List.of());
  }

  double count(String result) {
    return registry.get("endpoints_guard_reconcile").tag("result", result).counter().count();
  }

  void leaderElected() {
    await().atMost(WAIT).until(reconciler::leading);
  }

  @Test
  void seedScenarioFollowsThePods() {
    leaderElected();
    String ns = "seed";
    client.resource(annotated(ns, "nginx-managed", "app=nginx")).create();
    for (int i = 1; i <= 3; i++) {
      client.resource(nginx(ns, "nginx-" + i, "10.244.1." + i)).create();
    }
    client.resource(pod(ns, "other", "10.244.1.99", Map.of("app", "other")).build()).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ips(ns, "nginx-managed"))
                    .containsExactly("10.244.1.1", "10.244.1.2", "10.244.1.3"));
    Endpoints written = endpoints(ns, "nginx-managed").orElseThrow();
    assertThat(written.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "endpoints-guard")
        .containsEntry("team", "edge");
    assertThat(written.getSubsets()).hasSize(1);
    assertThat(written.getSubsets().get(0).getPorts())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getName() + " " + p.getPort() + "/" + p.getProtocol())
                    .isEqualTo("web 80/TCP"));
    assertThat(written.getSubsets().get(0).getAddresses())
        .allSatisfy(a -> assertThat(a.getTargetRef().getKind()).isEqualTo("Pod"));

    for (int i = 1; i <= 3; i++) {
      client.pods().inNamespace(ns).withName("nginx-" + i).delete();
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(ips(ns, "nginx-managed")).isEmpty());
    for (int i = 4; i <= 6; i++) {
      client.resource(nginx(ns, "nginx-" + i, "10.244.2." + i)).create();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ips(ns, "nginx-managed"))
                    .containsExactly("10.244.2.4", "10.244.2.5", "10.244.2.6"));
  }

  /**
   * An annotated Service {@code web} selecting one nginx Pod, once its Endpoints have been written.
   */
  void reconciledWithOnePod(String ns, String ip) {
    leaderElected();
    client.resource(annotated(ns, "web", "app=nginx")).create();
    client.resource(nginx(ns, "nginx-1", ip)).create();
    await().atMost(WAIT).until(() -> ips(ns, "web").equals(List.of(ip)));
  }

  @Test
  void deletesItsEndpointsWhenTheServiceIsDeleted() {
    String ns = "deleted";
    reconciledWithOnePod(ns, "10.244.3.1");

    client.services().inNamespace(ns).withName("web").delete();
    await().atMost(WAIT).until(() -> endpoints(ns, "web").isEmpty());
  }

  @Test
  void deletesItsEndpointsWhenTheServiceLeavesTheScope() {
    String ns = "unannotated";
    reconciledWithOnePod(ns, "10.244.4.1");

    client
        .services()
        .inNamespace(ns)
        .withName("web")
        .edit(
            s ->
                new ServiceBuilder(s)
                    .editMetadata()
                    .removeFromAnnotations("endpoints-guard.dev/selector")
                    .endMetadata()
                    .build());
    await().atMost(WAIT).until(() -> endpoints(ns, "web").isEmpty());
    assertThat(client.services().inNamespace(ns).withName("web").get()).isNotNull();
  }

  @Test
  void neverTouchesHandWrittenEndpoints() {
    leaderElected();
    String ns = "handwritten";
    Endpoints manual =
        client
            .resource(
                new EndpointsBuilder(
                        dev.endpointsguard.testing.KubeObjects.endpoints(
                                ns, "web", 8080, "10.0.0.250")
                            .build())
                    .build())
            .create();
    double unchangedBefore = count("unchanged");
    client.resource(annotated(ns, "web", "app=nginx")).create();
    client.resource(nginx(ns, "nginx-1", "10.244.5.1")).create();

    // the reconciler has looked at the Service (counted unchanged: nothing written) …
    await().atMost(WAIT).until(() -> count("unchanged") > unchangedBefore);
    // … and the hand-written Endpoints stay exactly as written
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(
            () ->
                endpoints(ns, "web")
                    .map(
                        e ->
                            e.getMetadata()
                                .getResourceVersion()
                                .equals(manual.getMetadata().getResourceVersion()))
                    .orElse(false));
    assertThat(ips(ns, "web")).containsExactly("10.0.0.250");
  }

  @Test
  void writesNothingOnceConvergedAcrossAResync() {
    leaderElected();
    String ns = "steady";
    client.resource(annotated(ns, "web", "app=nginx")).create();
    client.resource(nginx(ns, "nginx-1", "10.244.6.1")).create();
    client.resource(nginx(ns, "nginx-2", "10.244.6.2")).create();
    await().atMost(WAIT).until(() -> ips(ns, "web").size() == 2);
    // converged (the re-check after its own write may already have run, so do not wait for it)
    String version = endpoints(ns, "web").orElseThrow().getMetadata().getResourceVersion();

    double beforeResync = count("unchanged");
    reconciler.resync();
    await().atMost(WAIT).until(() -> count("unchanged") > beforeResync && reconciler.idle());
    // a Pod event that changes nothing the Endpoints show; the count is read before the edit,
    // because the
    // event can be reconciled before the edit call returns
    double beforeTouch = count("unchanged");
    client
        .pods()
        .inNamespace(ns)
        .withName("nginx-1")
        .edit(
            p ->
                new io.fabric8.kubernetes.api.model.PodBuilder(p)
                    .editMetadata()
                    .addToAnnotations("touched", "yes")
                    .endMetadata()
                    .build());
    await().atMost(WAIT).until(() -> count("unchanged") > beforeTouch && reconciler.idle());

    // any write to these Endpoints would have changed their resourceVersion
    assertThat(endpoints(ns, "web").orElseThrow().getMetadata().getResourceVersion())
        .isEqualTo(version);
  }

  /**
   * Endpoints that differ from what would be written only by lacking the headless label: no write,
   * as Kubernetes' endpoints controller ignores that label when comparing.
   */
  @Test
  void leavesEndpointsOfAHeadlessServiceAloneWhenOnlyTheHeadlessLabelIsMissing() {
    leaderElected();
    String ns = "headless-unlabelled";
    // not ours yet, so that the reconciler neither deletes them before it sees the Service nor
    // creates its own first
    client
        .resource(
            new EndpointsBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("web")
                .addToLabels("team", "edge")
                .endMetadata()
                .build())
        .create();
    double seen = count("unchanged");
    client
        .resource(
            new ServiceBuilder(annotated(ns, "web", "app=nginx"))
                .editSpec()
                .withClusterIP("None")
                .endSpec()
                .build())
        .create();
    await().atMost(WAIT).until(() -> count("unchanged") > seen && reconciler.idle());

    // now ours: the same as what would be written (no subsets), except for the headless label
    double before = count("unchanged") + count("updated");
    Endpoints labelled =
        client
            .endpoints()
            .inNamespace(ns)
            .withName("web")
            .edit(
                e ->
                    new EndpointsBuilder(e)
                        .editMetadata()
                        .addToLabels("app.kubernetes.io/managed-by", "endpoints-guard")
                        .endMetadata()
                        .build());
    // looked at (counted unchanged, or updated if it did write) …
    await()
        .atMost(WAIT)
        .until(() -> count("unchanged") + count("updated") > before && reconciler.idle());
    // … and not written
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(
            () ->
                endpoints(ns, "web")
                    .map(
                        e ->
                            e.getMetadata()
                                .getResourceVersion()
                                .equals(labelled.getMetadata().getResourceVersion()))
                    .orElse(false));
    assertThat(endpoints(ns, "web").orElseThrow().getMetadata().getLabels())
        .doesNotContainKey("service.kubernetes.io/headless");
  }

  /**
   * An update replaces what the reconciler owns (subsets, labels, the over-capacity annotation) and
   * keeps the rest of the stored object, as Kubernetes' endpoints controller updates a copy of the
   * current Endpoints.
   */
  @Test
  void anUpdateKeepsWhatTheReconcilerDoesNotOwn() {
    leaderElected();
    String ns = "kept-metadata";
    // not ours yet, so that the reconciler neither deletes them before it sees the Service nor
    // creates its own first
    client
        .resource(
            new EndpointsBuilder(
                    dev.endpointsguard.testing.KubeObjects.endpoints(ns, "web", 80, "10.0.0.250")
                        .build())
                .editMetadata()
                .addToLabels("stale", "yes")
                .addToAnnotations("example.com/note", "kept")
                .addToAnnotations("endpoints.kubernetes.io/over-capacity", "truncated")
                .addToFinalizers("example.com/keep")
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("owner")
                .withUid("0b6c7c4e-0000-4000-8000-000000000001")
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();
    double seen = count("unchanged");
    client.resource(annotated(ns, "web", "app=nginx")).create();
    client.resource(nginx(ns, "nginx-1", "10.244.7.1")).create();
    await().atMost(WAIT).until(() -> count("unchanged") > seen && reconciler.idle());

    client
        .endpoints()
        .inNamespace(ns)
        .withName("web")
        .edit(
            e ->
                new EndpointsBuilder(e)
                    .editMetadata()
                    .addToLabels("app.kubernetes.io/managed-by", "endpoints-guard")
                    .endMetadata()
                    .build());
    await().atMost(WAIT).until(() -> ips(ns, "web").equals(List.of("10.244.7.1")));

    Endpoints written = endpoints(ns, "web").orElseThrow();
    assertThat(written.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("team", "edge", "app.kubernetes.io/managed-by", "endpoints-guard"));
    assertThat(written.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(Map.of("example.com/note", "kept"));
    assertThat(written.getMetadata().getFinalizers()).containsExactly("example.com/keep");
    assertThat(written.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("ConfigMap/owner"));
  }

  @Test
  void exportsTheContractMetrics() {
    leaderElected();
    String body =
        RestAssured.get("http://localhost:" + managementPort + "/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(body)
        // the Prometheus 1.x text format names the family without _total in # TYPE; samples carry
        // it
        .containsPattern("# TYPE endpoints_guard_reconcile(_total)? counter")
        .contains("endpoints_guard_reconcile_total{result=\"unchanged\"}")
        .contains("endpoints_guard_reconcile_total{result=\"created\"}")
        .contains("endpoints_guard_reconcile_total{result=\"updated\"}")
        .contains("endpoints_guard_reconcile_total{result=\"deleted\"}")
        .contains("endpoints_guard_reconcile_total{result=\"error\"}")
        .contains("# TYPE endpoints_guard_reconcile_duration_seconds histogram")
        .containsPattern("endpoints_guard_reconcile_duration_seconds_bucket\\{le=\"[^\"]+\"}")
        .contains("endpoints_guard_reconcile_duration_seconds_count ");
  }
}
