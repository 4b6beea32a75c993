package dev.endpointsguard.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/**
 * The label by which endpoints-guard's reconciler marks, and later recognises, the Endpoints it
 * owns.
 */
public final class ManagedBy {

  public static final String LABEL = "app.kubernetes.io/managed-by";
  public static final String VALUE = "endpoints-guard";

  private ManagedBy() {}

  public static boolean isEndpointsGuard(HasMetadata object) {
    Map<String, String> labels =
        object.getMetadata() == null ? null : object.getMetadata().getLabels();
    return labels != null && VALUE.equals(labels.get(LABEL));
  }
}
