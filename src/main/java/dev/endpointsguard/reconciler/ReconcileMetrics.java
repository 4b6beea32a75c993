package dev.endpointsguard.reconciler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The reconciler metrics: {@code endpoints_guard_reconcile_total{result}} and {@code
 * endpoints_guard_reconcile_duration_seconds}. Every result is registered up front so that
 * dashboards see zeros rather than missing series.
 */
public final class ReconcileMetrics {

  /** What one reconcile of an in-scope (or formerly in-scope) Service did. */
  public enum Result {
    UNCHANGED,
    CREATED,
    UPDATED,
    DELETED,
    ERROR;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Result, Counter> results = new EnumMap<>(Result.class);
  private final Timer duration;

  public ReconcileMetrics(MeterRegistry registry) {
    for (Result result : Result.values()) {
      results.put(
          result,
          Counter.builder("endpoints_guard_reconcile")
              .description("Reconciles of Services' Endpoints by result")
              .tag("result", result.id())
              .register(registry));
    }
    duration =
        Timer.builder("endpoints_guard_reconcile_duration")
            .description("Time to reconcile one Service's Endpoints, writes included")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(20_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
  }

  public void record(Result result, long nanos) {
    results.get(result).increment();
    duration.record(Duration.ofNanos(nanos));
  }

  /** How many reconciles ended with the result: the write counts the benchmark and tests read. */
  public long count(Result result) {
    return (long) results.get(result).count();
  }
}
