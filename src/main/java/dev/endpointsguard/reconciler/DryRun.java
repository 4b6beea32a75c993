package dev.endpointsguard.reconciler;

import dev.endpointsguard.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The report of what the reconciler would write, for the files source (local runs, README): one
 * line per Service.
 */
final class DryRun {

  private static final String PREFIX = "Reconciler (files source, no writes): ";

  record Line(Logger.Level level, String text) {}

  private DryRun() {}

  static List<Line> lines(ClusterView view, ServiceScope scope) {
    List<Line> lines = new ArrayList<>();
    int inScope = 0;
    List<Service> services =
        view.services().stream()
            .sorted(
                Comparator.comparing((Service s) -> s.getMetadata().getNamespace())
                    .thenComparing(s -> s.getMetadata().getName()))
            .toList();
    for (Service service : services) {
      String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      ServiceScope.Verdict verdict = scope.of(service);
      if (verdict instanceof ServiceScope.Invalid invalid) {
        lines.add(
            new Line(
                Logger.Level.WARN, PREFIX + "Service " + key + " skipped: " + invalid.problem()));
      } else if (verdict instanceof ServiceScope.Managed managed) {
        inScope++;
        List<Pod> pods =
            view.pods(service.getMetadata().getNamespace()).stream()
                .filter(p -> managed.selects(p.getMetadata().getLabels()))
                .toList();
        Endpoints desired = DesiredEndpoints.compute(service, pods);
        lines.add(
            new Line(
                Logger.Level.INFO,
                PREFIX
                    + "would write Endpoints "
                    + key
                    + " with "
                    + DesiredEndpoints.addressCount(desired)
                    + " addresses, ports "
                    + DesiredEndpoints.portSummary(desired)
                    + " ("
                    + managed.description()
                    + ")"));
      }
    }
    lines.add(
        new Line(
            Logger.Level.INFO,
            PREFIX + "Services in scope of mode " + scope.mode().id() + ": " + inScope));
    return lines;
  }
}
