package dev.endpointsguard.admission;

import dev.endpointsguard.rules.Mutator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.endpointsguard.rules.Validator;

/**
 * One admission endpoint: the kind it judges, how it fails, and the rules behind it (a validator or a mutator).
 *
 * @param path the URL path, also the {@code webhook} metric label
 * @param failClosed a failure while evaluating denies (true) or allows with a warning (false)
 * @param needsSyncedView deny with 503 until the cluster view has synced (only where a stale view could let harm in)
 * @param readsOldObject the rules look at {@code oldObject}; when not, it is skipped while reading (it can be as large
 *        as the object itself)
 */
public record Webhook<T extends HasMetadata>(
        String path,
        String kind,
        Class<T> type,
        boolean failClosed,
        boolean needsSyncedView,
        boolean readsOldObject,
        Validator<T> validator,
        Mutator<T> mutator) {

    public static <T extends HasMetadata> Webhook<T> validating(String path, String kind, Class<T> type, boolean failClosed,
            boolean needsSyncedView, boolean readsOldObject, Validator<T> validator) {
        return new Webhook<>(path, kind, type, failClosed, needsSyncedView, readsOldObject, validator, null);
    }

    public static <T extends HasMetadata> Webhook<T> mutating(String path, String kind, Class<T> type, Mutator<T> mutator) {
        return new Webhook<>(path, kind, type, false, false, true, null, mutator);
    }

    public boolean mutating() {
        return mutator != null;
    }
}
