package dev.endpointsguard.audit;

import static dev.endpointsguard.testing.KubeObjects.endpoints;
import static dev.endpointsguard.testing.KubeObjects.running;
import static dev.endpointsguard.testing.KubeObjects.selectorless;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.reconciler.EndpointsReconciler;
import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit inside the application against the CRUD mock API server: the reconciler's leader
 * records Events, a replica that does not lead records none. Runs are triggered directly (the
 * interval stays at its default), on the audit thread. Each test uses its own namespaces.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AuditEventsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Inject KubernetesClient client;

  @Inject Audit audit;

  @Inject EndpointsReconciler reconciler;

  @Inject ClusterView view;

  @Inject Settings settings;

  @Inject MeterRegistry registry;

  AuditLoop.Report run() throws Exception {
    return audit.runNow().get();
  }

  static List<Violation> of(AuditLoop.Report report, String namespace) {
    return report.violations().stream().filter(v -> v.namespace().equals(namespace)).toList();
  }

  List<Event> events(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> KubernetesEventSink.REASON.equals(e.getReason()))
        .toList();
  }

  @Test
  void theLeaderRecordsAnEventWhenAPodOfAnotherNamespaceTakesAStoredAddress() throws Exception {
    await().atMost(WAIT).until(reconciler::leading);
    String ns = "audit-pre";
    client.resource(selectorless(ns, "legacy", "10.96.150.1").build()).create();
    Endpoints stored = client.resource(endpoints(ns, "legacy", "10.244.3.7")).create();
    await().atMost(WAIT).until(() -> view.endpoints(ns, "legacy").isPresent());

    AuditLoop.Report before = run();
    assertThat(before.thread()).isEqualTo("endpoints-guard-audit");
    assertThat(of(before, ns)).isEmpty();

    client.resource(running("audit-pods", "api-0", "10.244.3.7")).create();
    await().atMost(WAIT).until(() -> !view.podsByIp("10.244.3.7").isEmpty());

    AuditLoop.Report after = run();
    assertThat(of(after, ns)).extracting(Violation::ruleId).containsExactly("ip-foreign-pod");
    assertThat(
            registry
                .get("endpoints_guard_audit_violations")
                .tags("kind", "Endpoints", "rule", "ip-foreign-pod", "action", "deny")
                .gauge()
                .value())
        .isGreaterThanOrEqualTo(1);
    assertThat(events(ns))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMetadata().getName()).startsWith("legacy.");
              assertThat(e.getMessage())
                  .startsWith("[ip-foreign-pod] subsets[0].addresses[0].ip: 10.244.3.7 ");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Endpoints");
              assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("v1");
              assertThat(e.getInvolvedObject().getNamespace()).isEqualTo(ns);
              assertThat(e.getInvolvedObject().getName()).isEqualTo("legacy");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(stored.getMetadata().getUid());
              assertThat(e.getInvolvedObject().getResourceVersion())
                  .isNotBlank()
                  .isEqualTo(stored.getMetadata().getResourceVersion());
              assertThat(e.getSource().getComponent()).isEqualTo("endpoints-guard");
              assertThat(e.getReportingComponent()).isEqualTo("endpoints-guard");
              assertThat(e.getCount()).isEqualTo(1);
              assertThat(e.getFirstTimestamp()).isNotBlank();
              assertThat(e.getLastTimestamp()).isEqualTo(e.getFirstTimestamp());
            });

    run();
    assertThat(events(ns)).as("once per object, resourceVersion and rule").hasSize(1);

    client
        .resource(
            new EndpointsBuilder(client.endpoints().inNamespace(ns).withName("legacy").get())
                .editFirstSubset()
                .withAddresses(new EndpointAddressBuilder().withIp("10.0.0.9").build())
                .endSubset()
                .build())
        .update();
    await()
        .atMost(WAIT)
        .until(
            () ->
                view.endpoints(ns, "legacy")
                    .map(e -> e.getSubsets().get(0).getAddresses().get(0).getIp())
                    .filter("10.0.0.9"::equals)
                    .isPresent());
    assertThat(of(run(), ns)).as("fixed").isEmpty();
  }

  @Test
  void aReplicaThatDoesNotLeadRecordsNoEvents() throws Exception {
    await().atMost(WAIT).until(reconciler::leading);
    String ns = "audit-follower";
    client.resource(selectorless(ns, "metadata", "10.96.150.2").build()).create();
    client.resource(endpoints(ns, "metadata", "127.0.0.1")).create();
    await().atMost(WAIT).until(() -> view.endpoints(ns, "metadata").isPresent());

    try (AuditLoop follower =
        new AuditLoop(
            view,
            settings,
            new AuditMetrics(new SimpleMeterRegistry()),
            () -> false,
            new KubernetesEventSink(client, "follower", Clock.systemUTC()))) {
      AuditLoop.Report report = follower.runNow().get();
      assertThat(of(report, ns)).extracting(Violation::ruleId).containsExactly("ip-reserved");
      assertThat(report.events()).isZero();
      assertThat(events(ns)).isEmpty();
    }

    run();
    assertThat(events(ns))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).startsWith("[ip-reserved] "));
  }
}
