package dev.endpointsguard.config;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.cluster.InformerClusterView;
import dev.endpointsguard.cluster.ManifestFiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Chooses the cluster view from {@code endpoints-guard.cluster.source}: live informers or manifest
 * files.
 */
@ApplicationScoped
public class ClusterViewProducer {

  private static final Logger LOG = Logger.getLogger(ClusterViewProducer.class);

  @Produces
  @Singleton
  @Startup
  ClusterView clusterView(GuardConfig config, Instance<KubernetesClient> client) {
    switch (config.cluster().source()) {
      case KUBERNETES -> {
        InformerClusterView view = new InformerClusterView(client.get());
        view.start();
        return view;
      }
      case FILES -> {
        List<String> files =
            config
                .cluster()
                .files()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "endpoints-guard.cluster.source=files needs endpoints-guard.cluster.files (YAML files or directories)"));
        InMemoryClusterView view = InMemoryClusterView.of(ManifestFiles.load(files));
        LOG.infof(
            "Cluster view from files %s: %d Services, %d Endpoints",
            files, view.services().size(), view.endpoints().size());
        return view;
      }
    }
    throw new IllegalStateException("unknown cluster source " + config.cluster().source());
  }

  void close(@Disposes ClusterView view) {
    if (view instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debugf(e, "Closing the cluster view");
      }
    }
  }
}
