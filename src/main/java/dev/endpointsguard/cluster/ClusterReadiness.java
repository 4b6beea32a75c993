package dev.endpointsguard.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once every informer cache has synced: before that, admission answers would be guesses.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

  private final ClusterView view;

  public ClusterReadiness(ClusterView view) {
    this.view = view;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("cluster-view").status(view.synced()).build();
  }
}
