package dev.endpointsguard.kube;

import java.util.Set;

/** Labels and annotations whose meaning Kubernetes or endpoints-guard fixes. */
public final class WellKnown {

  /** On a selectorless Service: the Pods whose Endpoints endpoints-guard maintains. */
  public static final String SELECTOR_ANNOTATION = "endpoints-guard.dev/selector";

  /** Marks Endpoints and slices of a headless Service; kube-proxy ignores objects carrying it. */
  public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

  /** Hands a Service to another proxy; kube-proxy ignores objects carrying it. */
  public static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

  /**
   * {@code "true"} stops the EndpointSlice mirroring controller from publishing these Endpoints.
   */
  public static final String SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";

  /** Legacy leader-election locks stored in Endpoints; they never list addresses. */
  public static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

  /** Set by the endpoints controller when it truncated the addresses. */
  public static final String OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";

  /** The Service an EndpointSlice belongs to. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** Who maintains an EndpointSlice. */
  public static final String SLICE_MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

  /** The managed-by values of Kubernetes' own slice controllers (slice and mirroring). */
  public static final Set<String> CONTROLLER_SLICE_MANAGERS =
      Set.of("endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io");

  private WellKnown() {}
}
