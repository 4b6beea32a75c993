package dev.endpointsguard.audit;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.config.ClusterSource;
import dev.endpointsguard.config.GuardConfig;
import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.reconciler.EndpointsReconciler;
import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Starts the audit with the application (docs/audit.md). With the {@code kubernetes} source every
 * replica runs it every {@code endpoints-guard.audit.interval}, the first run one interval after
 * the start; only the reconciler's leader records Events, so with {@code reconciler.mode=off} none
 * are recorded. With the {@code files} source it runs once at start and only logs. An interval of
 * {@code 0} starts nothing.
 */
@ApplicationScoped
public class Audit {

  private static final Logger LOG = Logger.getLogger(Audit.class);

  private final GuardConfig config;
  private final ClusterView view;
  private final Settings settings;
  private final MeterRegistry registry;
  private final Instance<KubernetesClient> client;
  private final EndpointsReconciler reconciler;
  private volatile AuditLoop loop;

  public Audit(
      GuardConfig config,
      ClusterView view,
      Settings settings,
      MeterRegistry registry,
      Instance<KubernetesClient> client,
      EndpointsReconciler reconciler) {
    this.config = config;
    this.view = view;
    this.settings = settings;
    this.registry = registry;
    this.client = client;
    this.reconciler = reconciler;
  }

  void onStart(@Observes StartupEvent event) {
    Duration interval = config.audit().interval();
    if (interval.isZero() || interval.isNegative()) {
      LOG.info("Audit off (endpoints-guard.audit.interval=0)");
      return;
    }
    AuditMetrics metrics = new AuditMetrics(registry);
    if (config.cluster().source() == ClusterSource.FILES) {
      AuditLoop once = new AuditLoop(view, settings, metrics, () -> false, null);
      loop = once;
      once.runNow()
          .whenComplete(
              (report, error) -> {
                if (error != null) {
                  LOG.warnf(error, "Audit of the files failed");
                } else {
                  LOG.infof(
                      "Audit (files source, no Events): %d objects judged, %d violations",
                      report.audited(), report.violations().size());
                }
              });
      return;
    }
    EventSink events =
        config.reconciler().mode() == ReconcilerMode.OFF
            ? null
            : new KubernetesEventSink(client.get(), instance(), Clock.systemUTC());
    AuditLoop scheduled = new AuditLoop(view, settings, metrics, reconciler::leading, events);
    loop = scheduled;
    scheduled.schedule(interval);
    LOG.infof(
        "Audit every %s%s",
        interval,
        events == null
            ? " (reconciler off: no Events)"
            : "; the reconciler's leader records Events");
  }

  void onStop(@Observes ShutdownEvent event) {
    AuditLoop running = loop;
    if (running != null) {
      running.close();
    }
  }

  /** Whether an audit thread was started. */
  boolean running() {
    return loop != null;
  }

  /** One run now on the audit thread, whatever the interval; for tests. */
  CompletableFuture<AuditLoop.Report> runNow() {
    AuditLoop running = loop;
    if (running == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the audit is off"));
    }
    return running.runNow();
  }

  private static String instance() {
    return Optional.ofNullable(System.getenv("HOSTNAME"))
        .filter(h -> !h.isBlank())
        .orElse("endpoints-guard");
  }
}
