package dev.endpointsguard.reconciler;

import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.reconciler.ServiceScope.Managed;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which Service keys ({@code namespace/name}) a changed object sends to the reconciler: a Pod the
 * in-scope Services whose selectors matched it before or after, a Service itself when it is or was
 * considered or has Endpoints of ours, an Endpoints its same-named Service when either is ours;
 * anything else nothing.
 */
final class AffectedServices {

  /** What the mapping needs to know of the cluster and of the reconciler's scope. */
  interface Lookup {

    /** The in-scope Services of a namespace by name, with their Pod selectors; never null. */
    Map<String, Managed> managedIn(String namespace);

    /** Where a (live) Service stands. */
    ServiceScope.Verdict verdict(Service service);

    /** Whether Endpoints of that name exist and are ours. */
    boolean ownsEndpoints(String namespace, String name);
  }

  private AffectedServices() {}

  /**
   * The keys to queue for a change from {@code oldObject} to {@code newObject}; either is null for
   * a creation or a deletion.
   */
  static Set<String> of(HasMetadata oldObject, HasMetadata newObject, Lookup lookup) {
    HasMetadata any = newObject != null ? newObject : oldObject;
    Set<String> keys = new LinkedHashSet<>();
    if (any instanceof Pod) {
      podChanged((Pod) oldObject, (Pod) newObject, lookup, keys);
    } else if (any instanceof Service) {
      ServiceScope.Verdict before = oldObject == null ? null : lookup.verdict((Service) oldObject);
      ServiceScope.Verdict after =
          newObject == null ? new ServiceScope.Outside() : lookup.verdict((Service) newObject);
      boolean ours = lookup.ownsEndpoints(namespace(any), any.getMetadata().getName());
      if (ours || isConsidered(before) || isConsidered(after)) {
        keys.add(key(any));
      }
    } else if (any instanceof Endpoints) {
      boolean ours =
          (oldObject != null && ManagedBy.isEndpointsGuard(oldObject))
              || (newObject != null && ManagedBy.isEndpointsGuard(newObject));
      if (ours || lookup.managedIn(namespace(any)).containsKey(any.getMetadata().getName())) {
        keys.add(key(any));
      }
    }
    return keys;
  }

  private static void podChanged(Pod oldPod, Pod newPod, Lookup lookup, Set<String> keys) {
    Pod any = newPod != null ? newPod : oldPod;
    Map<String, String> oldLabels = oldPod == null ? null : oldPod.getMetadata().getLabels();
    Map<String, String> newLabels = newPod == null ? null : newPod.getMetadata().getLabels();
    lookup
        .managedIn(namespace(any))
        .forEach(
            (name, managed) -> {
              if ((oldPod != null && managed.selects(oldLabels))
                  || (newPod != null && managed.selects(newLabels))) {
                keys.add(namespace(any) + "/" + name);
              }
            });
  }

  private static boolean isConsidered(ServiceScope.Verdict verdict) {
    return verdict != null && !(verdict instanceof ServiceScope.Outside);
  }

  private static String namespace(HasMetadata object) {
    return object.getMetadata().getNamespace();
  }

  static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }
}
