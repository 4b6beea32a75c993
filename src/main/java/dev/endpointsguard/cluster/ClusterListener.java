package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Told of every change the cluster view sees; {@code oldObject} is null on add, {@code newObject}
 * on delete.
 */
@FunctionalInterface
public interface ClusterListener {
  void changed(HasMetadata oldObject, HasMetadata newObject);
}
