package dev.endpointsguard.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One read of the live cluster through the Kubernetes client: paged lists of the kinds the rules
 * look at, never a watch and never a write.
 */
final class LiveCluster {

  static final long PAGE = 500;
  static final int CONNECT_TIMEOUT_MS = 10_000;

  private LiveCluster() {}

  /**
   * @param kubeconfig the file to use, or empty for the usual resolution (KUBECONFIG,
   *     ~/.kube/config, in-cluster service account)
   * @throws InputException when the kubeconfig cannot be read or a list fails
   */
  static void read(Optional<String> kubeconfig, Consumer<HasMetadata> into) {
    Config config = config(kubeconfig);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      list("Namespaces", o -> client.namespaces().list(o), into);
      list("Nodes", o -> client.nodes().list(o), into);
      list("Services", o -> client.services().inAnyNamespace().list(o), into);
      list("Endpoints", o -> client.endpoints().inAnyNamespace().list(o), into);
      list(
          "EndpointSlices",
          o -> client.discovery().v1().endpointSlices().inAnyNamespace().list(o),
          into);
      list("Pods", o -> client.pods().inAnyNamespace().list(o), into);
    }
  }

  private static Config config(Optional<String> kubeconfig) {
    Config config;
    try {
      if (kubeconfig.isEmpty()) {
        config = Config.autoConfigure(null);
      } else {
        Path file = Path.of(kubeconfig.get());
        if (!Files.isReadable(file)) {
          throw new InputException(file + ": no such file or not readable (--kubeconfig)");
        }
        config = Config.fromKubeconfig(null, Files.readString(file), file.toString());
      }
    } catch (IOException | KubernetesClientException e) {
      throw new InputException(
          "--kubeconfig: cannot read "
              + kubeconfig.orElse("the kubeconfig")
              + ": "
              + e.getMessage(),
          e);
    }
    // A person or a CI job waits for the answer: one retry, not the informers' patience.
    config.setRequestRetryBackoffLimit(1);
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    return config;
  }

  /** The client's own message names the operation only; the cause says what went wrong. */
  static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return cause == e ? message : e.getMessage().strip() + " (" + message + ")";
  }

  private static void list(
      String what,
      Function<ListOptions, ? extends KubernetesResourceList<? extends HasMetadata>> page,
      Consumer<HasMetadata> into) {
    String next = null;
    do {
      KubernetesResourceList<? extends HasMetadata> list;
      try {
        list = page.apply(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      } catch (KubernetesClientException e) {
        throw new InputException(
            "cannot list " + what + " of the live cluster: " + rootCause(e), e);
      }
      list.getItems().forEach(into);
      next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
  }
}
