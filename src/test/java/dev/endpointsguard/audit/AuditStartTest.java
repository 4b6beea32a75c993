package dev.endpointsguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.cluster.ManifestFiles;
import dev.endpointsguard.config.SettingsFactory;
import dev.endpointsguard.testing.TestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the application starts for each configuration: nothing, one dry run, or a schedule. */
class AuditStartTest {

  final MeterRegistry registry = new SimpleMeterRegistry();
  final InMemoryClusterView examples =
      InMemoryClusterView.of(ManifestFiles.load(List.of("examples/cluster")));

  Audit audit(Map<String, String> properties) {
    return new Audit(
        SettingsFactory.configOf(properties),
        examples,
        TestSettings.defaults(),
        registry,
        null,
        null);
  }

  @Test
  void anIntervalOfZeroStartsNoThread() {
    Audit audit =
        audit(
            Map.of(
                "endpoints-guard.audit.interval", "0", "endpoints-guard.cluster.source", "files"));
    audit.onStart(null);
    assertThat(audit.running()).isFalse();
    assertThat(registry.find("endpoints_guard_audit_runs").counter()).isNull();
    assertThat(audit.runNow()).isCompletedExceptionally();
  }

  @Test
  void theFilesSourceRunsOnceAtStartAndFindsTheLegacyExample() throws Exception {
    Audit audit = audit(Map.of("endpoints-guard.cluster.source", "files"));
    audit.onStart(null);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.get("endpoints_guard_audit_runs").counter().count() == 1);
      assertThat(
              registry
                  .get("endpoints_guard_audit_violations")
                  .tags("kind", "Endpoints", "rule", "ip-node", "action", "warn")
                  .gauge()
                  .value())
          .isEqualTo(1);

      AuditLoop.Report again = audit.runNow().get();
      assertThat(again.fresh()).as("logged by the first run").isEmpty();
      assertThat(again.violations())
          .extracting(Violation::logLine)
          .singleElement()
          .asString()
          .startsWith(
              "Endpoints registry/legacy-db: warn [ip-node] subsets[0].addresses[0].ip:"
                  + " 10.0.0.31 is an address of Node \"node-c\"");
    } finally {
      audit.onStop(null);
    }
  }
}
