package dev.endpointsguard.cli;

import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/**
 * The defaults the API server sets before admission sees an object, as far as the rules read them.
 * No IPs are allocated: a Service without {@code clusterIP} keeps none. Objects are changed in
 * place.
 */
final class ApiServerDefaults {

  static final String TCP = "TCP";

  private ApiServerDefaults() {}

  /** Defaults an object of any kind; kinds the rules do not read are left as they are. */
  static void apply(HasMetadata object) {
    if (object instanceof Endpoints e) {
      endpoints(e);
    } else if (object instanceof EndpointSlice s) {
      endpointSlice(s);
    } else if (object instanceof Service s) {
      service(s);
    }
  }

  /** Every subset port gets {@code protocol: TCP} when it has none. */
  static void endpoints(Endpoints endpoints) {
    for (EndpointSubset subset : orEmpty(endpoints.getSubsets())) {
      for (EndpointPort port : orEmpty(subset.getPorts())) {
        if (isEmpty(port.getProtocol())) {
          port.setProtocol(TCP);
        }
      }
    }
  }

  /** Every port gets {@code protocol: TCP} when it has none and {@code name: ""} when null. */
  static void endpointSlice(EndpointSlice slice) {
    for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port :
        orEmpty(slice.getPorts())) {
      if (isEmpty(port.getProtocol())) {
        port.setProtocol(TCP);
      }
      if (port.getName() == null) {
        port.setName("");
      }
    }
  }

  /**
   * {@code type: ClusterIP}, {@code sessionAffinity: None}, and on every port {@code protocol: TCP}
   * and {@code targetPort} equal to {@code port}, each only when unset.
   */
  static void service(Service service) {
    if (service.getSpec() == null) {
      service.setSpec(new ServiceSpec());
    }
    ServiceSpec spec = service.getSpec();
    if (isEmpty(spec.getType())) {
      spec.setType("ClusterIP");
    }
    if (isEmpty(spec.getSessionAffinity())) {
      spec.setSessionAffinity("None");
    }
    for (ServicePort port : orEmpty(spec.getPorts())) {
      if (isEmpty(port.getProtocol())) {
        port.setProtocol(TCP);
      }
      if (unset(port.getTargetPort()) && port.getPort() != null) {
        port.setTargetPort(new IntOrString(port.getPort()));
      }
    }
  }

  /** Absent, or the zero value the API server treats as absent ({@code 0} or {@code ""}). */
  private static boolean unset(IntOrString targetPort) {
    if (targetPort == null) {
      return true;
    }
    if (targetPort.getIntVal() != null) {
      return targetPort.getIntVal() == 0;
    }
    return isEmpty(targetPort.getStrVal());
  }

  private static boolean isEmpty(String value) {
    return value == null || value.isEmpty();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
