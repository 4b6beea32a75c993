package dev.endpointsguard.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/** Who maintains an EndpointSlice, as its {@code endpointslice.kubernetes.io/managed-by} says. */
public final class Slices {

  private Slices() {}

  /** The managed-by value, or {@code null} when the label is missing. */
  public static String managedBy(HasMetadata slice) {
    Map<String, String> labels =
        slice == null || slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
    return labels == null ? null : labels.get(WellKnown.SLICE_MANAGED_BY_LABEL);
  }

  /** One of Kubernetes' slice controllers (slice or mirroring); {@code null} is none. */
  public static boolean isControllerValue(String managedBy) {
    return managedBy != null && WellKnown.CONTROLLER_SLICE_MANAGERS.contains(managedBy);
  }

  /** A slice that Kubernetes' slice or mirroring controller writes and owns. */
  public static boolean isControllerSlice(HasMetadata slice) {
    return isControllerValue(managedBy(slice));
  }
}
