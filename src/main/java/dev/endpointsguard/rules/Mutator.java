package dev.endpointsguard.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.cluster.ClusterView;

/**
 * Changes one admission request's object. It reads the typed object and edits {@code draft}, a copy
 * of the raw request object, in place; the caller diffs the raw object against the draft, so the
 * patch holds exactly the intended changes.
 */
@FunctionalInterface
public interface Mutator<T> {
  Mutation mutate(
      AdmissionRequest<T> request, ObjectNode draft, ClusterView cluster, Settings settings);
}
