package dev.endpointsguard.admission;

import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.RuleAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admission metrics (docs/contract.md#metrics), with meters cached so the request path does no
 * registry look-ups.
 */
@Singleton
public class AdmissionMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> findings = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> confirmations;

  public AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
    // all three outcomes exist from the start, so a rate over them never starts from nothing
    Map<String, Counter> outcomes = new java.util.HashMap<>();
    for (String outcome : DenialConfirmation.OUTCOMES) {
      outcomes.put(
          outcome,
          Counter.builder("endpoints_guard_confirmations")
              .description("Denials resting on the cluster view, checked against the API server")
              .tag("outcome", outcome)
              .register(registry));
    }
    this.confirmations = Map.copyOf(outcomes);
  }

  /** One confirmation: {@code confirmed}, {@code overturned} or {@code failed}. */
  public void confirmation(String outcome) {
    confirmations.get(outcome).increment();
  }

  public void request(String webhook, String operation, String decision, long nanos) {
    String op = operation == null || operation.isEmpty() ? "UNKNOWN" : operation;
    requests
        .computeIfAbsent(
            webhook + '|' + op + '|' + decision,
            k ->
                Counter.builder("endpoints_guard_admission_requests")
                    .description("Admission reviews answered")
                    .tag("webhook", webhook)
                    .tag("operation", op)
                    .tag("decision", decision)
                    .register(registry))
        .increment();
    durations
        .computeIfAbsent(
            webhook,
            k ->
                Timer.builder("endpoints_guard_admission_duration")
                    .description("Time to answer an admission review")
                    .tag("webhook", webhook)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry))
        .record(Duration.ofNanos(nanos));
  }

  public void finding(Finding finding, RuleAction action) {
    String rule = finding.rule().id();
    findings
        .computeIfAbsent(
            rule + '|' + action.id(),
            k ->
                Counter.builder("endpoints_guard_findings")
                    .description("Rule findings by configured action")
                    .tag("rule", rule)
                    .tag("action", action.id())
                    .register(registry))
        .increment();
  }
}
