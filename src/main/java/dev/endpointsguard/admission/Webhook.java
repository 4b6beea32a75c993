package dev.endpointsguard.admission;

import dev.endpointsguard.rules.Mutator;
import dev.endpointsguard.rules.Validator;
import dev.endpointsguard.rules.ViewReads;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One admission endpoint: the kind it judges, how it fails, and the rules behind it (a validator or
 * a mutator).
 *
 * @param path the URL path, also the {@code webhook} metric label
 * @param group the API group of the kind ({@code ""} for core)
 * @param confirmation what a denial of the validator rests on, to be read from the API server
 *     before it is answered (docs/contract.md#confirmation-before-a-denial); {@code null}: never
 *     confirmed
 */
public record Webhook<T extends HasMetadata>(
    String path,
    String group,
    String kind,
    Class<T> type,
    FailurePolicy failurePolicy,
    ViewRequirement viewRequirement,
    OldObject oldObject,
    Validator<T> validator,
    Mutator<T> mutator,
    ViewReads<T> confirmation) {

  /** What an exception while evaluating answers. */
  public enum FailurePolicy {
    /** Denied with code 500: an object that could not be checked may send traffic anywhere. */
    FAIL_CLOSED,
    /** Allowed with an {@code [internal-error]} warning: the hook only advises or adds defaults. */
    FAIL_OPEN
  }

  /** Whether the hook answers before the cluster view has synced. */
  public enum ViewRequirement {
    /** Denied with code 503 until synced: a stale view could let harm in. */
    SYNCED,
    ANY
  }

  /**
   * Whether the rules read {@code oldObject}; when not, it is skipped while reading (it can be
   * large).
   */
  public enum OldObject {
    READ,
    SKIP
  }

  public static <T extends HasMetadata> Webhook<T> validating(
      String path,
      String group,
      String kind,
      Class<T> type,
      FailurePolicy failurePolicy,
      ViewRequirement viewRequirement,
      Validator<T> validator) {
    return new Webhook<>(
        path,
        group,
        kind,
        type,
        failurePolicy,
        viewRequirement,
        OldObject.READ,
        validator,
        null,
        null);
  }

  public static <T extends HasMetadata> Webhook<T> mutating(
      String path, String kind, Class<T> type, Mutator<T> mutator) {
    return new Webhook<>(
        path,
        "",
        kind,
        type,
        FailurePolicy.FAIL_OPEN,
        ViewRequirement.ANY,
        OldObject.SKIP,
        null,
        mutator,
        null);
  }

  /** This webhook, with its denials confirmed against the API server through {@code reads}. */
  public Webhook<T> confirmedBy(ViewReads<T> reads) {
    return new Webhook<>(
        path,
        group,
        kind,
        type,
        failurePolicy,
        viewRequirement,
        oldObject,
        validator,
        mutator,
        reads);
  }

  public boolean mutating() {
    return mutator != null;
  }
}
