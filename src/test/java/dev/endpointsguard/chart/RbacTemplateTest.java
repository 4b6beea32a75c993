package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** templates/rbac.yaml: least privilege per reconciler mode. */
class RbacTemplateTest {

  @Test
  void rbacWithReconcilerOffIsReadOnlyAndHasNoLeaseRole() {
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "reconciler.mode=off"));
    ClusterRole role = m.one(ClusterRole.class);
    assertNoWildcards(role.getRules());
    assertThat(verbsFor(role.getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch");
    assertClusterViewAndConfirmation(role);
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getResources)
        .containsOnly(
            "services", "pods", "namespaces", "endpoints", "nodes", "endpointslices", "events");
    assertThat(m.all(Role.class)).isEmpty();
    assertThat(m.all(RoleBinding.class)).isEmpty();
    assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", "off");
    assertBinding(
        m, m.one(ClusterRoleBinding.class).getRoleRef().getName(), role.getMetadata().getName());
  }

  @ParameterizedTest
  @MethodSource("reconcilerModes")
  void rbacWithReconcilerOnWritesEndpointsAndUsesALeaseRole(String mode, String[] args) {
    Manifests m = Helm.render(args);
    ClusterRole role = m.one(ClusterRole.class);
    assertNoWildcards(role.getRules());
    assertThat(verbsFor(role.getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch", "get", "create", "update", "delete");
    assertClusterViewAndConfirmation(role);
    Role lease = m.one(Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertNoWildcards(lease.getRules());
    assertThat(lease.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
            });
    assertThat(verbsFor(lease.getRules(), "coordination.k8s.io", "leases"))
        .containsExactlyInAnyOrder("get", "create", "update", "patch");
    // get/update/patch (fabric8's LeaseLock renews with a PATCH) are limited to the reconciler's
    // Lease;
    // create cannot be limited by name
    assertThat(lease.getRules())
        .filteredOn(r -> r.getVerbs().contains("update"))
        .allSatisfy(
            r -> assertThat(r.getResourceNames()).containsExactly("endpoints-guard-reconciler"));
    RoleBinding rb = m.one(RoleBinding.class);
    assertThat(rb.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
    assertThat(rb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(serviceAccountName(m));
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", mode);
    assertBinding(
        m, m.one(ClusterRoleBinding.class).getRoleRef().getName(), role.getMetadata().getName());
  }

  static Stream<Arguments> reconcilerModes() {
    return Stream.of(
        Arguments.of("annotated", (Object) NEW_KUBE),
        Arguments.of("all", (Object) existingSecretArgs()));
  }

  @Test
  void unquotedYamlOffMeansOff() throws IOException {
    // YAML 1.1 reads `off` as false; the chart must still mean "off"
    Path values = Files.createDirectories(Path.of("target", "chart-test")).resolve("yaml-off.yaml");
    Files.writeString(values, "reconciler:\n  mode: off\nrules:\n  service-missing: off\n");
    Manifests m = Helm.render(args(NEW_KUBE, "-f", values.toAbsolutePath().toString()));
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", "off")
        .containsEntry("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "off");
    assertThat(m.all(Role.class)).isEmpty();
    assertThat(verbsFor(m.one(ClusterRole.class).getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch");
  }

  /**
   * Every mode: informers on services, pods, namespaces, endpoints, nodes and EndpointSlices; a GET
   * of services and pods to confirm a denial; Warning events of the audit (on by default). Nothing
   * else on those resources.
   */
  static void assertClusterViewAndConfirmation(ClusterRole role) {
    for (String res : List.of("services", "pods")) {
      assertThat(verbsFor(role.getRules(), "", res))
          .as(res)
          .containsExactlyInAnyOrder("list", "watch", "get");
    }
    for (String res : List.of("namespaces", "nodes")) {
      assertThat(verbsFor(role.getRules(), "", res))
          .as(res)
          .containsExactlyInAnyOrder("list", "watch");
    }
    assertThat(verbsFor(role.getRules(), "discovery.k8s.io", "endpointslices"))
        .containsExactlyInAnyOrder("list", "watch");
    assertThat(verbsFor(role.getRules(), "", "events"))
        .containsExactlyInAnyOrder("create", "patch");
    assertThat(role.getRules())
        .filteredOn(r -> r.getApiGroups().contains("discovery.k8s.io"))
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("endpointslices"));
  }

  @Test
  void theAuditTurnedOffDropsTheEventsPermission() {
    for (String off : List.of("audit.interval=0", "audit.interval=0s")) {
      ClusterRole role = Helm.render(args(NEW_KUBE, "--set-string", off)).one(ClusterRole.class);
      assertThat(role.getRules())
          .as(off)
          .flatExtracting(PolicyRule::getResources)
          .doesNotContain("events");
    }
    ClusterRole on =
        Helm.render(args(NEW_KUBE, "--set-string", "audit.interval=10m")).one(ClusterRole.class);
    assertThat(verbsFor(on.getRules(), "", "events")).containsExactlyInAnyOrder("create", "patch");
  }
}
