package dev.endpointsguard.reconciler;

import static dev.endpointsguard.testing.KubeObjects.endpoints;
import static dev.endpointsguard.testing.KubeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.reconciler.ServiceScope.Managed;
import dev.endpointsguard.testing.KubeObjects;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event-to-keys mapping of the reconcile loop, without a loop: namespace {@code shop} has the
 * in-scope Services {@code web} (selects {@code app=web}) and {@code api} (selects {@code
 * app=api}); {@code shop/ours} has Endpoints written by endpoints-guard.
 */
class AffectedServicesTest {

  private static final ServiceScope SCOPE = new ServiceScope(ReconcilerMode.ANNOTATED);

  private static final AffectedServices.Lookup LOOKUP =
      new AffectedServices.Lookup() {
        @Override
        public Map<String, Managed> managedIn(String namespace) {
          return namespace.equals("shop")
              ? Map.of("web", selecting("app", "web"), "api", selecting("app", "api"))
              : Map.of();
        }

        @Override
        public ServiceScope.Verdict verdict(Service service) {
          return SCOPE.of(service);
        }

        @Override
        public boolean ownsEndpoints(String namespace, String name) {
          return namespace.equals("shop") && name.equals("ours");
        }
      };

  private static Managed selecting(String key, String value) {
    return new Managed(labels -> value.equals(labels.get(key)), key + "=" + value);
  }

  private static Pod labelled(String namespace, Map<String, String> labels) {
    return pod(namespace, "p", "10.0.0.9", labels).build();
  }

  private static Service annotated(String namespace, String name) {
    return new ServiceBuilder(KubeObjects.selectorless(namespace, name, "10.96.0.10").build())
        .editMetadata()
        .addToAnnotations(WellKnown.SELECTOR_ANNOTATION, "app=web")
        .endMetadata()
        .build();
  }

  private static Service plain(String namespace, String name) {
    return KubeObjects.selectorless(namespace, name, "10.96.0.10").build();
  }

  private static Endpoints ourEndpoints(String namespace, String name) {
    return new EndpointsBuilder(endpoints(namespace, name, "10.0.0.1"))
        .editMetadata()
        .addToLabels(ManagedBy.LABEL, ManagedBy.VALUE)
        .endMetadata()
        .build();
  }

  static Stream<Arguments> changes() {
    Map<String, String> web = Map.of("app", "web");
    Map<String, String> api = Map.of("app", "api");
    Map<String, String> other = Map.of("app", "other");
    return Stream.of(
        // Pods: the Services whose selectors matched before or after
        arguments("pod created", null, labelled("shop", web), List.of("shop/web")),
        arguments("pod deleted", labelled("shop", web), null, List.of("shop/web")),
        arguments(
            "pod relabelled",
            labelled("shop", web),
            labelled("shop", api),
            List.of("shop/web", "shop/api")),
        arguments(
            "pod relabelled into a selector",
            labelled("shop", other),
            labelled("shop", web),
            List.of("shop/web")),
        arguments(
            "pod relabelled out of a selector",
            labelled("shop", web),
            labelled("shop", other),
            List.of("shop/web")),
        arguments(
            "pod selected by nothing", labelled("shop", other), labelled("shop", other), List.of()),
        arguments("pod without labels", null, labelled("shop", null), List.of()),
        arguments(
            "pod in a namespace without in-scope Services",
            null,
            labelled("elsewhere", web),
            List.of()),
        // Services: themselves, when considered before or after or when their Endpoints are ours
        arguments("annotated service created", null, annotated("shop", "new"), List.of("shop/new")),
        arguments(
            "annotation removed",
            annotated("shop", "new"),
            plain("shop", "new"),
            List.of("shop/new")),
        arguments("annotated service deleted", annotated("shop", "new"), null, List.of("shop/new")),
        arguments(
            "service with Endpoints of ours changed",
            plain("shop", "ours"),
            plain("shop", "ours"),
            List.of("shop/ours")),
        arguments(
            "service with Endpoints of ours deleted",
            plain("shop", "ours"),
            null,
            List.of("shop/ours")),
        arguments("unannotated service", null, plain("shop", "plain"), List.of()),
        // Endpoints: the same-named Service, when either is ours
        arguments(
            "endpoints of an in-scope service",
            null,
            endpoints("shop", "web", "10.0.0.1"),
            List.of("shop/web")),
        arguments(
            "our endpoints elsewhere deleted",
            ourEndpoints("elsewhere", "x"),
            null,
            List.of("elsewhere/x")),
        arguments(
            "endpoints losing our label",
            ourEndpoints("elsewhere", "x"),
            endpoints("elsewhere", "x", "10.0.0.1"),
            List.of("elsewhere/x")),
        arguments(
            "endpoints of nobody's concern",
            null,
            endpoints("elsewhere", "x", "10.0.0.1"),
            List.of()),
        // anything else: nothing
        arguments(
            "namespace",
            null,
            new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build(),
            List.of()),
        arguments(
            "node",
            null,
            new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void enqueues(String change, HasMetadata oldObject, HasMetadata newObject, List<String> keys) {
    Set<String> affected = AffectedServices.of(oldObject, newObject, LOOKUP);

    assertThat(affected).containsExactlyInAnyOrderElementsOf(keys);
  }
}
