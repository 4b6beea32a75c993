package dev.endpointsguard.admission;

import dev.endpointsguard.rules.Mutator;
import dev.endpointsguard.rules.Validator;

/**
 * One admission endpoint: the kind it judges, how it fails, and the rules behind it (a validator or a mutator).
 *
 * @param path the URL path, also the {@code webhook} metric label
 * @param failClosed a failure while evaluating denies (true) or allows with a warning (false)
 * @param needsSyncedView deny with 503 until the cluster view has synced (only where a stale view could let harm in)
 */
public record Webhook<T>(
        String path,
        String kind,
        Class<T> type,
        boolean failClosed,
        boolean needsSyncedView,
        Validator<T> validator,
        Mutator<T> mutator) {

    public static <T> Webhook<T> validating(String path, String kind, Class<T> type, boolean failClosed,
            boolean needsSyncedView, Validator<T> validator) {
        return new Webhook<>(path, kind, type, failClosed, needsSyncedView, validator, null);
    }

    public static <T> Webhook<T> mutating(String path, String kind, Class<T> type, Mutator<T> mutator) {
        return new Webhook<>(path, kind, type, false, false, null, mutator);
    }

    public boolean mutating() {
        return mutator != null;
    }
}
