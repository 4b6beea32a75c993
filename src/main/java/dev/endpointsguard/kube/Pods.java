package dev.endpointsguard.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import java.util.ArrayList;
import java.util.List;

/** Questions about a Pod that several parts ask, answered as Kubernetes answers them. */
public final class Pods {

  private Pods() {}

  /** Succeeded and Failed Pods hold no IP any more: it may already belong to another Pod. */
  public static boolean isTerminated(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** A hostNetwork Pod's IPs are its node's. */
  public static boolean isHostNetwork(Pod pod) {
    return pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
  }

  /** {@code status.podIPs} as written, else {@code status.podIP}; never null or empty entries. */
  public static List<String> ips(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    List<String> ips = new ArrayList<>();
    if (pod.getStatus().getPodIPs() != null) {
      for (PodIP ip : pod.getStatus().getPodIPs()) {
        if (ip.getIp() != null && !ip.getIp().isEmpty()) {
          ips.add(ip.getIp());
        }
      }
    }
    String primary = pod.getStatus().getPodIP();
    if (ips.isEmpty() && primary != null && !primary.isEmpty()) {
      ips.add(primary);
    }
    return ips;
  }
}
