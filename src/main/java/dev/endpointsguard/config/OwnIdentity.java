package dev.endpointsguard.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where this process runs and as whom: namespace from {@code POD_NAMESPACE} (Downward API) or else
 * the client's, service account from {@code SERVICE_ACCOUNT_NAME}.
 */
public record OwnIdentity(String namespace, Optional<String> serviceAccount) {

  public static OwnIdentity from(Map<String, String> env, String clientNamespace) {
    String ns =
        nonBlank(env.get("POD_NAMESPACE"))
            .orElse(
                clientNamespace == null || clientNamespace.isBlank() ? "default" : clientNamespace);
    return new OwnIdentity(ns, nonBlank(env.get("SERVICE_ACCOUNT_NAME")));
  }

  /**
   * {@code system:serviceaccount:<namespace>:<name>}, the username the API server gives our own
   * writes.
   */
  public Optional<String> username() {
    return serviceAccount.map(sa -> "system:serviceaccount:" + namespace + ":" + sa);
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
