package dev.endpointsguard.admission;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.cluster.OverlayClusterView;
import dev.endpointsguard.config.ClusterSource;
import dev.endpointsguard.config.GuardConfig;
import dev.endpointsguard.rules.AdmissionRequest;
import dev.endpointsguard.rules.Decision;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.Settings;
import dev.endpointsguard.rules.ViewReads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Checks a denial that rests on the cluster view against the API server before it is answered
 * (docs/contract.md#confirmation-before-a-denial): reads the objects the deny findings depend on
 * (at most one Service read and one Pod read or list), judges the review once more with them laid
 * over the view, and answers that. Only with {@code endpoints-guard.cluster.source=kubernetes};
 * allowed reviews and warnings never get here.
 *
 * <p>Runs on a worker thread (the routes hand a review there when {@link #mustAsk}); each read is
 * bounded by {@code endpoints-guard.cluster.confirm-timeout} and is made once, without the client's
 * retries.
 */
@ApplicationScoped
public class DenialConfirmation {

  public static final String CONFIRMED = "confirmed";
  public static final String OVERTURNED = "overturned";
  public static final String FAILED = "failed";
  static final List<String> OUTCOMES = List.of(CONFIRMED, OVERTURNED, FAILED);

  private static final Logger LOG = Logger.getLogger(DenialConfirmation.class);

  /** The reads a confirmation makes; each call is one request to the API server. */
  public interface ApiReads {
    /** The Service, or empty when the API server answers 404. */
    Optional<Service> service(String namespace, String name);

    /** The Pod, or empty when the API server answers 404. */
    Optional<Pod> pod(String namespace, String name);

    List<Pod> pods(String namespace);
  }

  private final ApiReads api;
  private final AdmissionMetrics metrics;

  @Inject
  DenialConfirmation(
      GuardConfig config, Instance<KubernetesClient> client, AdmissionMetrics metrics) {
    this(
        config.cluster().source() == ClusterSource.KUBERNETES
            ? new ClientReads(client.get(), config.cluster().confirmTimeout())
            : null,
        metrics);
  }

  /**
   * @param api the API server, or {@code null} when there is none to ask (files source)
   */
  public DenialConfirmation(ApiReads api, AdmissionMetrics metrics) {
    this.api = api;
    this.metrics = metrics;
  }

  /** A confirmation that never asks anything: the view's result always stands. */
  public static DenialConfirmation none(AdmissionMetrics metrics) {
    return new DenialConfirmation(null, metrics);
  }

  /** Whether {@link #confirm} would read from the API server for these findings (it may block). */
  public <T> boolean mustAsk(
      AdmissionRequest<T> request, List<Finding> findings, ViewReads<T> reads, Settings settings) {
    return !plan(request, findings, reads, settings).isEmpty();
  }

  private <T> ViewReads.Plan plan(
      AdmissionRequest<T> request, List<Finding> findings, ViewReads<T> reads, Settings settings) {
    if (api == null || reads == null) {
      return ViewReads.Plan.NONE;
    }
    Decision decision = Decision.of(findings, settings);
    return decision.allowed() ? ViewReads.Plan.NONE : reads.plan(request, decision.denials());
  }

  /**
   * The findings to answer: {@code findings} when the view allows the review, no deny finding rests
   * on the view, or a read failed; otherwise the findings of {@code evaluate} over the view with
   * the fresh objects laid on top.
   */
  public <T> List<Finding> confirm(
      AdmissionRequest<T> request,
      List<Finding> findings,
      ViewReads<T> reads,
      ClusterView view,
      Settings settings,
      Function<ClusterView, List<Finding>> evaluate) {
    ViewReads.Plan plan = plan(request, findings, reads, settings);
    if (plan.isEmpty()) {
      return findings;
    }
    if (Context.isOnEventLoopThread()) {
      // never block Vert.x: the routes hand such reviews to a worker thread (mustAsk)
      LOG.warnf("Not confirming a denial on the event loop (%s)", Thread.currentThread().getName());
      metrics.confirmation(FAILED);
      return findings;
    }
    OverlayClusterView fresh = new OverlayClusterView(view);
    String ns = plan.namespace();
    try {
      if (plan.service().isPresent()) {
        String name = plan.service().get();
        fresh.withService(ns, name, api.service(ns, name));
      }
      if (plan.pods().size() == 1) {
        String name = plan.pods().first();
        fresh.withPod(ns, name, api.pod(ns, name));
      } else if (plan.pods().size() > 1) {
        fresh.withPods(ns, api.pods(ns));
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "Confirming the denial of %s/%s failed", ns, request.name());
      LOG.infof(
          "Could not confirm the denial of %s/%s with the API server (%s); the cluster view's answer stands",
          ns, request.name(), Messages.firstLine(String.valueOf(e.getMessage())));
      metrics.confirmation(FAILED);
      return findings;
    }
    List<Finding> confirmed = evaluate.apply(fresh);
    metrics.confirmation(Decision.of(confirmed, settings).allowed() ? OVERTURNED : CONFIRMED);
    return confirmed;
  }

  /**
   * The reads through a client derived from the application's: the same connections and
   * credentials, with the confirmation timeout per request and no retries (one call, one request).
   */
  static final class ClientReads implements ApiReads {

    private final KubernetesClient client;

    ClientReads(KubernetesClient base, Duration timeout) {
      RequestConfig config =
          new RequestConfigBuilder(base.getConfiguration().getRequestConfig())
              .withRequestTimeout((int) Math.max(1, timeout.toMillis()))
              .withRequestRetryBackoffLimit(0)
              .build();
      this.client = base.newClient(config).adapt(KubernetesClient.class);
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
      return Optional.ofNullable(client.services().inNamespace(namespace).withName(name).get());
    }

    @Override
    public Optional<Pod> pod(String namespace, String name) {
      return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
    }

    @Override
    public List<Pod> pods(String namespace) {
      return client.pods().inNamespace(namespace).list().getItems();
    }
  }
}
