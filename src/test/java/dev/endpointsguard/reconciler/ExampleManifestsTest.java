package dev.endpointsguard.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.cluster.ManifestFiles;
import dev.endpointsguard.config.ReconcilerMode;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the embedded default (files source over examples/cluster) reports for the annotated example
 * Service.
 */
class ExampleManifestsTest {

  final InMemoryClusterView view =
      InMemoryClusterView.of(ManifestFiles.load(List.of("examples/cluster")));

  @Test
  void nginxManagedGetsTheThreeNginxPodsOnTheirHttpPort() {
    Service service = view.service("default", "nginx-managed").orElseThrow();
    var managed = (ServiceScope.Managed) new ServiceScope(ReconcilerMode.ANNOTATED).of(service);
    Endpoints desired =
        DesiredEndpoints.compute(
            service,
            view.pods("default").stream()
                .filter(p -> managed.selects(p.getMetadata().getLabels()))
                .toList());

    assertThat(DesiredEndpoints.addressCount(desired)).isEqualTo(3);
    assertThat(DesiredEndpoints.portSummary(desired)).isEqualTo("[web 80/TCP]");
    assertThat(desired.getSubsets().get(0).getAddresses())
        .extracting(EndpointAddress::getIp)
        .containsExactly("10.244.1.11", "10.244.2.12", "10.244.3.13");
  }

  @Test
  void onlyTheAnnotatedServiceIsInScopeByDefault() {
    ServiceScope scope = new ServiceScope(ReconcilerMode.ANNOTATED);
    assertThat(view.services())
        .filteredOn(s -> scope.of(s) instanceof ServiceScope.Managed)
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("nginx-managed");
    ServiceScope all = new ServiceScope(ReconcilerMode.ALL);
    assertThat(view.services())
        .filteredOn(s -> all.of(s) instanceof ServiceScope.Managed)
        .extracting(s -> s.getMetadata().getName())
        .contains("nginx-managed", "nginx-svc-clusterip");
  }

  @Test
  void theFilesSourceLogsWhatItWouldWrite() {
    assertThat(DryRun.lines(view, new ServiceScope(ReconcilerMode.ANNOTATED)))
        .extracting(DryRun.Line::text)
        .containsExactly(
            "Reconciler (files source, no writes): would write Endpoints default/nginx-managed with 3 addresses, ports [web 80/TCP]"
                + " (endpoints-guard.dev/selector 'app=nginx')",
            "Reconciler (files source, no writes): Services in scope of mode annotated: 1");
  }
}
