package dev.endpointsguard.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (docs/architecture.md): entry points on top, then configuration, the
 * pure rules, the cluster view, and the Kubernetes value types at the bottom.
 */
class LayersTest {

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.endpointsguard");

  @Test
  void layersDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Entry")
        .definedBy(
            "dev.endpointsguard.admission..",
            "dev.endpointsguard.reconciler..",
            "dev.endpointsguard.audit..",
            "dev.endpointsguard.cli..",
            "dev.endpointsguard.tls..",
            "dev.endpointsguard.server..")
        .layer("Config")
        .definedBy("dev.endpointsguard.config..")
        .layer("Rules")
        .definedBy("dev.endpointsguard.rules..")
        .layer("Cluster")
        .definedBy("dev.endpointsguard.cluster..")
        .layer("Kube")
        .definedBy("dev.endpointsguard.kube..")
        .whereLayer("Entry")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Config")
        .mayOnlyBeAccessedByLayers("Entry")
        .whereLayer("Rules")
        .mayOnlyBeAccessedByLayers("Entry", "Config")
        .whereLayer("Cluster")
        .mayOnlyBeAccessedByLayers("Entry", "Config", "Rules")
        .whereLayer("Kube")
        .mayOnlyBeAccessedByLayers("Entry", "Config", "Rules", "Cluster")
        .withOptionalLayers(true)
        .check(MAIN);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.endpointsguard.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theRulesNeverSeeHttpOrTheApiServer() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAnyPackage("dev.endpointsguard.rules..", "dev.endpointsguard.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client..", "io.vertx..", "jakarta.ws.rs..", "io.quarkus..")
        .check(MAIN);
  }
}
