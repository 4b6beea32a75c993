package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterIndexes;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.IpLiteral;
import dev.endpointsguard.kube.Pods;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Optional;

/**
 * The checks of one backend address, shared by Endpoints and EndpointSlices: its spelling, then
 * where the address <em>as Kubernetes reads it</em> leads. The other rules run even when the
 * spelling is ambiguous, so relaxing {@code ip-invalid} never lets {@code 010.096.000.010} reach
 * the ClusterIP {@code 10.96.0.10}.
 */
final class AddressRules {

  private AddressRules() {}

  /**
   * @param ipField the address's field path, e.g. {@code subsets[0].addresses[1].ip}
   * @param namespace the namespace of the object that lists the address
   * @return the address as Kubernetes reads it; not {@link IpLiteral.Parsed#readable()} when it
   *     reads none (the API server's own validation rejects such text)
   */
  static IpLiteral.Parsed judge(
      String ip,
      FieldPath ipField,
      String namespace,
      ClusterView cluster,
      Settings settings,
      List<Finding> findings) {
    IpLiteral.Parsed parsed = IpLiteral.parse(ip);
    if (!parsed.valid()) {
      findings.add(
          Finding.of(RuleId.IP_INVALID, ipField.toString(), "\"" + ip + "\" " + parsed.problem()));
    }
    if (!parsed.readable()) {
      return parsed;
    }
    String canonical = parsed.canonical();
    String read = canonical.equals(ip) ? canonical : canonical + " (as Kubernetes reads it)";
    ReservedRanges.reason(parsed.bytes(), settings.reservedCidrs())
        .ifPresent(
            why ->
                findings.add(
                    Finding.of(
                        RuleId.IP_RESERVED,
                        ipField.toString(),
                        read + " " + why + "; list real backend IPs")));
    for (Service other : cluster.servicesByIp(canonical)) {
      findings.add(
          Finding.of(
              RuleId.IP_CLUSTER_IP,
              ipField.toString(),
              read
                  + " is "
                  + serviceAddressKind(other, canonical)
                  + " of Service \""
                  + ref(other)
                  + "\"; pointing backends at another Service forwards across its policies"
                  + " (CVE-2021-25740), so use the backend IPs or an ExternalName Service"));
    }
    for (Pod pod : cluster.podsByIp(canonical)) {
      if (!namespace.equals(pod.getMetadata().getNamespace()) && !Pods.isTerminated(pod)) {
        findings.add(
            Finding.of(
                RuleId.IP_FOREIGN_POD,
                ipField.toString(),
                read
                    + " belongs to Pod \""
                    + ref(pod)
                    + "\" of another namespace; forwarding to it bypasses that namespace's policies"
                    + " (CVE-2021-25740), so only use Pods of \""
                    + namespace
                    + "\" or external IPs"));
      }
    }
    nodeRule(read, canonical, ipField, namespace, cluster, findings);
    settings
        .deniedCidrs()
        .match(parsed.bytes())
        .ifPresent(
            cidr ->
                findings.add(
                    Finding.of(
                        RuleId.IP_DENIED_CIDR,
                        ipField.toString(),
                        read
                            + " lies in the denied CIDR "
                            + cidr
                            + " (endpoints-guard.ip.denied-cidrs); use an address outside it")));
    if (!settings.allowedCidrs().isEmpty()
        && settings.allowedCidrs().match(parsed.bytes()).isEmpty()) {
      findings.add(
          Finding.of(
              RuleId.IP_DENIED_CIDR,
              ipField.toString(),
              read
                  + " is outside the allowed CIDRs "
                  + settings.allowedCidrs()
                  + " (endpoints-guard.ip.allowed-cidrs); use an address inside them"));
    }
    return parsed;
  }

  /** A node's address, or another namespace's hostNetwork Pod (whose IP is its node's). */
  private static void nodeRule(
      String read,
      String canonical,
      FieldPath ipField,
      String namespace,
      ClusterView cluster,
      List<Finding> findings) {
    for (Node node : cluster.nodesByIp(canonical)) {
      findings.add(
          Finding.of(
              RuleId.IP_NODE,
              ipField.toString(),
              read
                  + " is an address of Node \""
                  + node.getMetadata().getName()
                  + "\": traffic goes to whatever listens on that node; list Pod or external IPs"
                  + " unless that is intended"));
      return;
    }
    for (Pod pod : cluster.hostNetworkPodsByIp(canonical)) {
      if (!namespace.equals(pod.getMetadata().getNamespace()) && !Pods.isTerminated(pod)) {
        findings.add(
            Finding.of(
                RuleId.IP_NODE,
                ipField.toString(),
                read
                    + " is the node address of hostNetwork Pod \""
                    + ref(pod)
                    + "\" of another namespace: traffic goes to whatever listens on that node;"
                    + " list Pod or external IPs unless that is intended"));
        return;
      }
    }
  }

  private static String serviceAddressKind(Service service, String canonical) {
    var spec = service.getSpec();
    if (spec != null && spec.getExternalIPs() != null) {
      for (String ip : spec.getExternalIPs()) {
        if (IpLiteral.asKubernetesReadsIt(ip).filter(canonical::equals).isPresent()) {
          return "an external IP";
        }
      }
    }
    if (spec != null
        && (IpLiteral.asKubernetesReadsIt(spec.getClusterIP()).filter(canonical::equals).isPresent()
            || (spec.getClusterIPs() != null
                && spec.getClusterIPs().stream()
                    .anyMatch(
                        ip ->
                            IpLiteral.asKubernetesReadsIt(ip)
                                .filter(canonical::equals)
                                .isPresent())))) {
      return "the ClusterIP";
    }
    return "the load-balancer IP";
  }

  /**
   * A {@code targetRef} must name a Pod of the object's own namespace whose pod IPs contain the
   * address.
   */
  static Optional<String> targetRefProblem(
      ObjectReference ref, String namespace, IpLiteral.Parsed ip, ClusterView cluster) {
    String ns =
        ref.getNamespace() == null || ref.getNamespace().isEmpty() ? namespace : ref.getNamespace();
    String target = "\"" + ns + "/" + ref.getName() + "\"";
    if (!"Pod".equals(ref.getKind())) {
      return Optional.of(
          "kind \""
              + ref.getKind()
              + "\" is not Pod; a targetRef must name the Pod behind the address, or be left out");
    }
    if (!namespace.equals(ns)) {
      return Optional.of(
          "Pod "
              + target
              + " is in another namespace; a targetRef must name a Pod of \""
              + namespace
              + "\"");
    }
    Optional<Pod> pod = cluster.pod(ns, ref.getName());
    if (pod.isEmpty()) {
      return Optional.of("Pod " + target + " does not exist; fix the name or drop the targetRef");
    }
    List<String> podIps = ClusterIndexes.podIps(pod.get());
    if (!ip.readable() || !podIps.contains(ip.canonical())) {
      return Optional.of(
          "Pod "
              + target
              + " has IPs "
              + podIps
              + ", not "
              + (ip.readable() ? ip.canonical() : "this address")
              + "; fix the address or the targetRef");
    }
    return Optional.empty();
  }

  static String ref(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }
}
