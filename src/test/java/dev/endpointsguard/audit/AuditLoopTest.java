package dev.endpointsguard.audit;

import static dev.endpointsguard.audit.AuditRunTest.stored;
import static dev.endpointsguard.testing.KubeObjects.running;
import static dev.endpointsguard.testing.KubeObjects.selectorless;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The audit loop with a fake Event sink: its thread, the gauges, what is new, and who records
 * Events.
 */
class AuditLoopTest {

  final MeterRegistry registry = new SimpleMeterRegistry();
  final List<Violation> events = new CopyOnWriteArrayList<>();
  final AtomicBoolean leading = new AtomicBoolean();
  final InMemoryClusterView view =
      InMemoryClusterView.of(
          selectorless("shop", "legacy", "10.96.0.40").build(),
          stored("shop", "legacy", "10.244.3.7"),
          selectorless("shop", "cache", "10.96.0.41").build(),
          stored("shop", "cache", "10.0.0.9"));
  final AuditLoop loop =
      new AuditLoop(
          view, TestSettings.defaults(), new AuditMetrics(registry), leading::get, events::add);

  @AfterEach
  void close() {
    loop.close();
  }

  AuditLoop.Report run() throws Exception {
    return loop.runNow().get();
  }

  Gauge gauge(String rule, String action) {
    return registry
        .find("endpoints_guard_audit_violations")
        .tags("kind", "Endpoints", "rule", rule, "action", action)
        .gauge();
  }

  double runs() {
    return registry.get("endpoints_guard_audit_runs").counter().count();
  }

  static Endpoints withVersion(Endpoints e, String resourceVersion, String... ips) {
    var b =
        new EndpointsBuilder(e).editMetadata().withResourceVersion(resourceVersion).endMetadata();
    if (ips.length > 0) {
      b.editFirstSubset()
          .withAddresses(
              Arrays.stream(ips)
                  .map(ip -> new EndpointAddressBuilder().withIp(ip).build())
                  .toList())
          .endSubset();
    }
    return b.build();
  }

  @Test
  void itRunsOnItsOwnThread() throws Exception {
    AuditLoop.Report report = run();
    assertThat(report.thread()).isEqualTo("endpoints-guard-audit");
    assertThat(report.thread()).isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void theGaugeHoldsTheCurrentCountsAndAFixedObjectDropsOut() throws Exception {
    run();
    assertThat(gauge("ip-foreign-pod", "deny")).isNull();
    assertThat(runs()).isEqualTo(1);

    view.put(running("payments", "api-0", "10.244.3.7"));
    view.put(running("payments", "api-1", "10.0.0.9"));
    run();
    assertThat(gauge("ip-foreign-pod", "deny").value()).isEqualTo(2);

    Endpoints legacy = view.endpoints("shop", "legacy").orElseThrow();
    view.put(withVersion(legacy, "8", "10.0.0.10"));
    run();
    assertThat(gauge("ip-foreign-pod", "deny").value()).isEqualTo(1);

    view.remove(view.endpoints("shop", "cache").orElseThrow());
    run();
    assertThat(gauge("ip-foreign-pod", "deny")).isNull();
    assertThat(runs()).isEqualTo(4);
  }

  @Test
  void onlyNewViolationsAreLogged() throws Exception {
    view.put(running("payments", "api-0", "10.244.3.7"));
    assertThat(run().fresh()).extracting(Violation::name).containsExactly("legacy");
    assertThat(run().fresh()).isEmpty();

    view.put(running("payments", "api-1", "10.0.0.9"));
    AuditLoop.Report third = run();
    assertThat(third.violations()).hasSize(2);
    assertThat(third.fresh())
        .extracting(Violation::logLine)
        .singleElement()
        .asString()
        .startsWith("Endpoints shop/cache: deny [ip-foreign-pod] subsets[0].addresses[0].ip: ");

    // A change of resourceVersion alone does not make a violation new.
    view.put(withVersion(view.endpoints("shop", "cache").orElseThrow(), "9"));
    assertThat(run().fresh()).isEmpty();
  }

  @Test
  void aReplicaThatDoesNotLeadRecordsNoEvents() throws Exception {
    view.put(running("payments", "api-0", "10.244.3.7"));
    AuditLoop.Report report = run();
    assertThat(report.violations()).hasSize(1);
    assertThat(report.events()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void theLeaderRecordsOneEventPerObjectResourceVersionAndRule() throws Exception {
    leading.set(true);
    view.put(running("payments", "api-0", "10.244.3.7"));
    view.put(running("payments", "api-1", "10.244.3.8"));
    // Two foreign-pod addresses in one object: one Event for the rule.
    view.put(
        withVersion(
            view.endpoints("shop", "legacy").orElseThrow(), "7", "10.244.3.7", "10.244.3.8"));
    assertThat(run().events()).isEqualTo(1);
    assertThat(events)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.ruleId()).isEqualTo("ip-foreign-pod");
              assertThat(v.uid()).isEqualTo("shop-legacy-uid");
              assertThat(v.resourceVersion()).isEqualTo("7");
            });

    assertThat(run().events()).as("already recorded").isZero();

    view.put(withVersion(view.endpoints("shop", "legacy").orElseThrow(), "8"));
    assertThat(run().events()).as("a new resourceVersion").isEqualTo(1);
    assertThat(events).hasSize(2);
  }

  @Test
  void theMemoryOfRecordedEventsForgetsObjectsThatAreGone() throws Exception {
    leading.set(true);
    view.put(running("payments", "api-0", "10.244.3.7"));
    run();
    assertThat(loopMemorySize()).isEqualTo(1);

    view.remove(view.endpoints("shop", "legacy").orElseThrow());
    run();
    assertThat(loopMemorySize()).isZero();
  }

  @Test
  void aFailedEventIsTriedAgainNextRun() throws Exception {
    leading.set(true);
    List<Violation> recorded = new CopyOnWriteArrayList<>();
    AtomicBoolean failing = new AtomicBoolean(true);
    EventSink flaky =
        v -> {
          if (failing.get()) {
            throw new IllegalStateException("forbidden");
          }
          recorded.add(v);
        };
    view.put(running("payments", "api-0", "10.244.3.7"));
    try (AuditLoop other =
        new AuditLoop(
            view, TestSettings.defaults(), new AuditMetrics(registry), leading::get, flaky)) {
      assertThat(other.runNow().get().events()).isZero();
      failing.set(false);
      assertThat(other.runNow().get().events()).isEqualTo(1);
      assertThat(recorded).hasSize(1);
    }
  }

  @Test
  void aScheduledLoopRunsEveryInterval() {
    loop.schedule(Duration.ofMillis(50));
    await().atMost(Duration.ofSeconds(10)).until(() -> runs() >= 2);
  }

  private int loopMemorySize() {
    return loop.rememberedObjects();
  }
}
