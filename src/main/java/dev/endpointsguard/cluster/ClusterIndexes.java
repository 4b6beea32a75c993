package dev.endpointsguard.cluster;

import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.Pods;
import dev.endpointsguard.kube.WellKnown;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Index functions shared by every {@link ClusterView}: the keys under which objects are found. */
public final class ClusterIndexes {

  public static final String POD_IP = "podIp";
  public static final String HOST_NETWORK_POD_IP = "hostNetworkPodIp";
  public static final String SERVICE_IP = "serviceIp";
  public static final String NODE_IP = "nodeIp";
  public static final String SLICE_SERVICE = "sliceService";

  private ClusterIndexes() {}

  /**
   * Canonical pod IPs; none for hostNetwork pods, whose IP is their node's and says nothing of the
   * namespace.
   */
  public static List<String> podIps(Pod pod) {
    return Pods.isHostNetwork(pod) ? List.of() : canonical(Pods.ips(pod));
  }

  /** Canonical IPs of a hostNetwork Pod (its node's addresses); none for other Pods. */
  public static List<String> hostNetworkPodIps(Pod pod) {
    return Pods.isHostNetwork(pod) ? canonical(Pods.ips(pod)) : List.of();
  }

  /**
   * Canonical addresses kube-proxy captures for the Service: {@code clusterIP}/{@code clusterIPs}
   * (headless {@code None} has none), {@code externalIPs} and load-balancer ingress IPs.
   */
  public static List<String> serviceIps(Service service) {
    List<String> ips = new ArrayList<>();
    if (service.getSpec() != null) {
      ips.add(service.getSpec().getClusterIP());
      if (service.getSpec().getClusterIPs() != null) {
        ips.addAll(service.getSpec().getClusterIPs());
      }
      if (service.getSpec().getExternalIPs() != null) {
        ips.addAll(service.getSpec().getExternalIPs());
      }
    }
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        ips.add(ingress.getIp());
      }
    }
    return canonical(ips);
  }

  /** Canonical {@code InternalIP} and {@code ExternalIP} addresses of a Node. */
  public static List<String> nodeIps(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return List.of();
    }
    return canonical(
        node.getStatus().getAddresses().stream()
            .filter(a -> "InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType()))
            .map(a -> a.getAddress())
            .toList());
  }

  /**
   * {@code <namespace>/<service>} of the Service a slice is labelled for; none without the label.
   */
  public static List<String> sliceService(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(WellKnown.SERVICE_NAME_LABEL);
    return service == null || service.isEmpty()
        ? List.of()
        : List.of(key(slice.getMetadata().getNamespace(), service));
  }

  /** Addresses as Kubernetes reads them (leading zeros dropped), each once. */
  private static List<String> canonical(List<String> ips) {
    Set<String> keys = new LinkedHashSet<>();
    for (String ip : ips) {
      if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
        IpLiteral.asKubernetesReadsIt(ip).ifPresent(keys::add);
      }
    }
    return new ArrayList<>(keys);
  }

  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
