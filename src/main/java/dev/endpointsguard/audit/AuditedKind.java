package dev.endpointsguard.audit;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.rules.Validator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * One kind the audit judges: how to list its stored objects, which of them are in scope, and the
 * validator admission uses for it.
 *
 * @param inScope whether an object is audited at all (objects admission skips or a controller owns
 *     are not)
 */
public record AuditedKind<T extends HasMetadata>(
    String kind,
    String apiVersion,
    Function<ClusterView, List<T>> lister,
    BiPredicate<T, ClusterView> inScope,
    Validator<T> validator) {}
