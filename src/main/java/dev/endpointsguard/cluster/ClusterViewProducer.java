package dev.endpointsguard.cluster;

import dev.endpointsguard.config.GuardConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/** Chooses the cluster view from {@code endpoints-guard.cluster.source}: live informers or manifest files. */
@ApplicationScoped
public class ClusterViewProducer {

    private static final Logger LOG = Logger.getLogger(ClusterViewProducer.class);

    @Produces
    @Singleton
    @Startup
    ClusterView clusterView(GuardConfig config, Instance<KubernetesClient> client) {
        String source = config.cluster().source().trim();
        switch (source) {
            case "kubernetes" -> {
                InformerClusterView view = new InformerClusterView(client.get());
                view.start();
                return view;
            }
            case "files" -> {
                List<String> files = config.cluster().files().orElseThrow(() -> new IllegalArgumentException(
                        "endpoints-guard.cluster.source=files needs endpoints-guard.cluster.files (YAML files or directories)"));
                InMemoryClusterView view = InMemoryClusterView.of(ManifestFiles.load(files));
                LOG.infof("Cluster view from files %s: %d Services, %d Endpoints", files, view.services().size(), view.endpoints().size());
                return view;
            }
            default -> throw new IllegalArgumentException("endpoints-guard.cluster.source: '" + source
                    + "' is not a cluster source; use kubernetes or files");
        }
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
