package dev.endpointsguard.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code endpoints_guard_audit_violations{kind, rule, action}}: the violations of the last run, a
 * label set that no longer occurs disappears; {@code endpoints_guard_audit_runs_total}.
 */
public final class AuditMetrics {

  private final MultiGauge violations;
  private final Counter runs;

  public AuditMetrics(MeterRegistry registry) {
    violations =
        MultiGauge.builder("endpoints_guard_audit_violations")
            .description("Violations found by the last audit run, by kind, rule and action")
            .register(registry);
    runs =
        Counter.builder("endpoints_guard_audit_runs")
            .description("Completed audit runs")
            .register(registry);
  }

  /** Replaces every count with those of this run. */
  public void record(List<Violation> found) {
    Map<Tags, Long> counts = new HashMap<>();
    for (Violation v : found) {
      counts.merge(
          Tags.of("kind", v.kind(), "rule", v.ruleId(), "action", v.action().id()), 1L, Long::sum);
    }
    violations.register(
        counts.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(),
        true);
    runs.increment();
  }
}
