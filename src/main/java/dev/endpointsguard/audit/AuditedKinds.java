package dev.endpointsguard.audit;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.Slices;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.rules.EndpointSliceRules;
import dev.endpointsguard.rules.EndpointsRules;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;

/** The kinds the audit judges, and what it leaves out of each. */
public final class AuditedKinds {

  public static final AuditedKind<Endpoints> ENDPOINTS =
      new AuditedKind<>(
          "Endpoints",
          "v1",
          ClusterView::endpoints,
          AuditedKinds::endpointsInScope,
          new EndpointsRules());

  public static final AuditedKind<EndpointSlice> ENDPOINT_SLICES =
      new AuditedKind<>(
          "EndpointSlice",
          "discovery.k8s.io/v1",
          ClusterView::endpointSlices,
          AuditedKinds::sliceInScope,
          new EndpointSliceRules());

  /** Every audited kind, in the order of the log and of the run. */
  public static final List<AuditedKind<?>> ALL = List.of(ENDPOINTS, ENDPOINT_SLICES);

  private AuditedKinds() {}

  /**
   * Not audited: the slices of {@code default/kubernetes} (the API servers write them) and slices
   * of Kubernetes' slice and mirroring controllers.
   */
  static boolean sliceInScope(EndpointSlice slice, ClusterView view) {
    var meta = slice.getMetadata();
    if (meta == null || meta.getName() == null) {
      return false;
    }
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    if ("default".equals(meta.getNamespace())
        && "kubernetes".equals(labels.get(WellKnown.SERVICE_NAME_LABEL))) {
      return false;
    }
    return !Slices.isControllerSlice(slice);
  }

  /**
   * Not audited: {@code default/kubernetes}, legacy leader-election locks (annotation and no
   * subsets: admission skips them), Endpoints the endpoints-guard reconciler writes, and Endpoints
   * of a Service with a selector (the endpoints controller writes those).
   */
  static boolean endpointsInScope(Endpoints endpoints, ClusterView view) {
    var meta = endpoints.getMetadata();
    if (meta == null || meta.getName() == null) {
      return false;
    }
    String namespace = meta.getNamespace() == null ? "" : meta.getNamespace();
    if ("default".equals(namespace) && "kubernetes".equals(meta.getName())) {
      return false;
    }
    if (EndpointsRules.isLeaderElectionLock(endpoints)) {
      return false;
    }
    if (ManagedBy.isEndpointsGuard(endpoints)) {
      return false;
    }
    return view.service(namespace, meta.getName()).filter(Services::hasSelector).isEmpty();
  }
}
