package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Copies that keep only what the rules and the reconciler read, so that caches of large clusters
 * stay small: no managedFields bodies, no last-applied annotations, no container images, env,
 * volumes or statuses.
 */
public final class Slimmer {

  /** Annotations worth keeping: ours, and the ones Kubernetes' own controllers act on. */
  private static final Predicate<String> KEPT_ANNOTATION =
      key ->
          key.startsWith("endpoints-guard.dev/")
              || key.startsWith("endpoints.kubernetes.io/")
              || key.equals("control-plane.alpha.kubernetes.io/leader");

  private Slimmer() {}

  public static Pod slim(Pod pod) {
    PodBuilder b = new PodBuilder().withMetadata(meta(pod.getMetadata(), false));
    if (pod.getSpec() != null) {
      var spec = pod.getSpec();
      b.withNewSpec()
          .withNodeName(spec.getNodeName())
          .withHostname(spec.getHostname())
          .withSubdomain(spec.getSubdomain())
          .withHostNetwork(spec.getHostNetwork())
          .withContainers(ports(spec.getContainers()))
          .withInitContainers(
              ports(
                  spec.getInitContainers() == null
                      ? List.of()
                      : spec.getInitContainers().stream()
                          .filter(c -> "Always".equals(c.getRestartPolicy()))
                          .toList()))
          .endSpec();
    }
    if (pod.getStatus() != null) {
      var status = pod.getStatus();
      List<PodCondition> ready =
          status.getConditions() == null
              ? List.of()
              : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).toList();
      b.withNewStatus()
          .withPhase(status.getPhase())
          .withPodIP(status.getPodIP())
          .withPodIPs(status.getPodIPs())
          .withConditions(ready)
          .endStatus();
    }
    return b.build();
  }

  /** Of the status only the load-balancer IPs: kube-proxy captures them like cluster IPs. */
  public static Service slim(Service service) {
    ServiceBuilder b =
        new ServiceBuilder(service)
            .withMetadata(meta(service.getMetadata(), false))
            .withStatus(null);
    var status = service.getStatus();
    if (status != null
        && status.getLoadBalancer() != null
        && status.getLoadBalancer().getIngress() != null) {
      b.withNewStatus()
          .withNewLoadBalancer()
          .withIngress(
              status.getLoadBalancer().getIngress().stream()
                  .filter(i -> i.getIp() != null)
                  .map(i -> new LoadBalancerIngressBuilder().withIp(i.getIp()).build())
                  .toList())
          .endLoadBalancer()
          .endStatus();
    }
    return b.build();
  }

  /** Only the addresses traffic could be sent to. */
  public static Node slim(Node node) {
    NodeBuilder b = new NodeBuilder().withMetadata(meta(node.getMetadata(), false));
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      b.withNewStatus()
          .withAddresses(
              node.getStatus().getAddresses().stream()
                  .filter(a -> "InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType()))
                  .toList())
          .endStatus();
    }
    return b.build();
  }

  public static EndpointSlice slim(EndpointSlice slice) {
    return new EndpointSliceBuilder(slice).withMetadata(meta(slice.getMetadata(), true)).build();
  }

  public static Endpoints slim(Endpoints endpoints) {
    return new EndpointsBuilder(endpoints)
        .withMetadata(meta(endpoints.getMetadata(), true))
        .build();
  }

  public static Namespace slim(Namespace namespace) {
    return new NamespaceBuilder().withMetadata(meta(namespace.getMetadata(), false)).build();
  }

  private static List<Container> ports(List<Container> containers) {
    if (containers == null) {
      return List.of();
    }
    return containers.stream()
        .map(
            c ->
                new ContainerBuilder()
                    .withName(c.getName())
                    .withPorts(c.getPorts())
                    .withRestartPolicy(c.getRestartPolicy())
                    .build())
        .toList();
  }

  /**
   * Keeps identity, labels and relevant annotations; managedFields only as manager names (who wrote
   * it).
   */
  private static ObjectMeta meta(ObjectMeta meta, boolean keepManagers) {
    if (meta == null) {
      return new ObjectMeta();
    }
    ObjectMetaBuilder b =
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withCreationTimestamp(meta.getCreationTimestamp())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .withLabels(meta.getLabels());
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null && !annotations.isEmpty()) {
      b.withAnnotations(
          annotations.entrySet().stream()
              .filter(e -> KEPT_ANNOTATION.test(e.getKey()))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
    if (keepManagers && meta.getManagedFields() != null) {
      List<ManagedFieldsEntry> managers =
          meta.getManagedFields().stream()
              .map(
                  m ->
                      new ManagedFieldsEntryBuilder()
                          .withManager(m.getManager())
                          .withOperation(m.getOperation())
                          .build())
              .toList();
      b.withManagedFields(managers);
    }
    return b.build();
  }
}
