package dev.endpointsguard.testing;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Map;
import java.util.UUID;

/** fabric8 builders for the seed scenario and its variations. */
public final class KubeObjects {

  private KubeObjects() {}

  /**
   * A selectorless ClusterIP Service with one unnamed TCP port 80, like the seed's {@code harbor}.
   */
  public static ServiceBuilder selectorless(String namespace, String name, String clusterIp) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(clusterIp)
        .withClusterIPs(clusterIp)
        .withIpFamilies("IPv4")
        .withPorts(new ServicePortBuilder().withPort(80).withProtocol("TCP").build())
        .endSpec();
  }

  /** A Service with a selector and one named port, like the seed's {@code nginx-svc-clusterip}. */
  public static ServiceBuilder withSelector(
      String namespace, String name, String clusterIp, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(clusterIp)
        .withClusterIPs(clusterIp)
        .withIpFamilies("IPv4")
        .withSelector(selector)
        .withPorts(
            new ServicePortBuilder()
                .withName("clusterip-nginx")
                .withPort(80)
                .withProtocol("TCP")
                .build())
        .endSpec();
  }

  /** Endpoints with one subset holding the given ready IPs and one unnamed TCP port. */
  public static EndpointsBuilder endpoints(String namespace, String name, int port, String... ips) {
    EndpointsBuilder b =
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata();
    var subset = b.addNewSubset();
    for (String ip : ips) {
      subset.addToAddresses(new EndpointAddressBuilder().withIp(ip).build());
    }
    return subset
        .addToPorts(new EndpointPortBuilder().withPort(port).withProtocol("TCP").build())
        .endSubset();
  }

  public static Endpoints endpoints(String namespace, String name, String... ips) {
    return endpoints(namespace, name, 80, ips).build();
  }

  /** A running, ready Pod with one IP. */
  public static PodBuilder pod(
      String namespace, String name, String ip, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes()).toString())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-a")
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .addNewPort()
        .withName("http")
        .withContainerPort(80)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewPodIP()
        .withIp(ip)
        .endPodIP()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus();
  }

  public static Service service(ServiceBuilder b) {
    return b.build();
  }

  public static Pod running(String namespace, String name, String ip) {
    return pod(namespace, name, ip, Map.of("app", "x")).build();
  }

  /**
   * A hand-written IPv4 EndpointSlice labelled for {@code service}, managed by {@code
   * cluster-admins}, with one endpoint per IP (conditions unset) and one unnamed TCP port.
   */
  public static EndpointSliceBuilder slice(
      String namespace, String name, String service, int port, String... ips) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .addToLabels("kubernetes.io/service-name", service)
            .addToLabels("endpointslice.kubernetes.io/managed-by", "cluster-admins")
            .endMetadata()
            .withAddressType("IPv4");
    for (String ip : ips) {
      b.addNewEndpoint().withAddresses(ip).endEndpoint();
    }
    return b.addNewPort().withPort(port).withProtocol("TCP").endPort();
  }
}
