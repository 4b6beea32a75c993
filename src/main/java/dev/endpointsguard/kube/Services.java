package dev.endpointsguard.kube;

import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;

/** Questions about a Service that several parts ask, answered as Kubernetes answers them. */
public final class Services {

  private Services() {}

  /** An ExternalName Service is a DNS alias: never proxied, its Endpoints never used. */
  public static boolean isExternalName(Service service) {
    return service.getSpec() != null && "ExternalName".equals(service.getSpec().getType());
  }

  /** Declared headless: {@code clusterIP: None}. */
  public static boolean isHeadless(Service service) {
    return service.getSpec() != null && "None".equals(service.getSpec().getClusterIP());
  }

  /**
   * Kubernetes' {@code IsServiceIPSet}: a cluster IP that is neither {@code None} nor empty. The
   * endpoints controller treats every other Service as headless.
   */
  public static boolean hasServiceIp(Service service) {
    String clusterIp = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    return clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp);
  }

  /**
   * An empty {@code spec.selector} does not survive the API server's storage: it counts as none.
   */
  public static boolean hasSelector(Service service) {
    Map<String, String> selector =
        service.getSpec() == null ? null : service.getSpec().getSelector();
    return selector != null && !selector.isEmpty();
  }
}
