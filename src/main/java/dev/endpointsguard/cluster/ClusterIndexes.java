package dev.endpointsguard.cluster;

import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Index functions shared by every {@link ClusterView}: the keys under which objects are found by
 * IP.
 */
public final class ClusterIndexes {

  public static final String POD_IP = "podIp";
  public static final String CLUSTER_IP = "clusterIp";

  private ClusterIndexes() {}

  /**
   * Canonical pod IPs; none for hostNetwork pods, whose IP is their node's and says nothing of the
   * namespace.
   */
  public static List<String> podIps(Pod pod) {
    if (Pods.isHostNetwork(pod)) {
      return List.of();
    }
    Set<String> keys = new LinkedHashSet<>();
    Pods.ips(pod).forEach(ip -> addCanonical(keys, ip));
    return new ArrayList<>(keys);
  }

  /**
   * Canonical {@code clusterIP} and {@code clusterIPs} entries; headless ({@code None}) has none.
   */
  public static List<String> clusterIps(Service service) {
    if (service.getSpec() == null) {
      return List.of();
    }
    Set<String> keys = new LinkedHashSet<>();
    addCanonical(keys, service.getSpec().getClusterIP());
    if (service.getSpec().getClusterIPs() != null) {
      service.getSpec().getClusterIPs().forEach(ip -> addCanonical(keys, ip));
    }
    return new ArrayList<>(keys);
  }

  private static void addCanonical(Set<String> keys, String ip) {
    if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
      IpLiteral.canonical(ip).ifPresent(keys::add);
    }
  }

  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
