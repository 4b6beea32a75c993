package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterView;
import java.util.List;

/**
 * A pure check of one admission request against the cluster view; returns every finding, whatever
 * its action.
 */
@FunctionalInterface
public interface Validator<T> {
  List<Finding> validate(AdmissionRequest<T> request, ClusterView cluster, Settings settings);
}
