package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint, values.schema.json, NOTES and the model strictness of every render. */
class ChartLintTest {

  @Test
  void lintStrictPassesForEveryCertificateMode() {
    for (List<String> extra :
        List.of(
            List.<String>of(),
            List.of("--set", "certificates.mode=cert-manager"),
            List.of(
                "--set",
                "certificates.mode=existing-secret",
                "--set",
                "certificates.existingSecret.name=x",
                "--set",
                "certificates.existingSecret.caBundle=" + EXISTING_CA_B64))) {
      List<String> cmd = new ArrayList<>(List.of("lint", "--strict", Helm.CHART.toString()));
      cmd.addAll(extra);
      Helm.Result r = Helm.run(cmd);
      assertThat(r.exitCode()).as(r.describe() + "\n" + r.stdout()).isZero();
      assertThat(r.stdout()).contains("0 chart(s) failed");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.endpointsguard.chart.ChartFixtures#allRenders")
  void everyRenderedFieldIsKnownToTheKubernetesModel(String label, String[] args) {
    Manifests m = Helm.render(args);
    assertThat(m.all()).isNotEmpty();
    for (HasMetadata o : m.all()) {
      assertThat(ModelStrictness.unknownFields(o))
          .as(o.getKind() + " " + o.getMetadata().getName())
          .isEmpty();
      assertThat(o.getMetadata().getName()).isNotBlank().hasSizeLessThanOrEqualTo(63);
    }
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("reconciler.mode=sometimes", "reconciler.mode"),
        Arguments.of("webhooks.timeoutSeconds=60", "webhooks.timeoutSeconds"),
        Arguments.of("webhooks.timeoutSeconds=0", "webhooks.timeoutSeconds"),
        Arguments.of("rules.service-missing=maybe", "rules.service-missing"),
        Arguments.of("rules.no-such-rule=warn", "no-such-rule"),
        Arguments.of("webhooks.endpoints.failurePolicy=fail", "webhooks.endpoints.failurePolicy"),
        Arguments.of("webhooks.services.failurePolicy=Open", "webhooks.services.failurePolicy"),
        Arguments.of("certificates.mode=self-signed", "certificates.mode"),
        Arguments.of("certificates.mode=existing-secret", "certificates.existingSecret"),
        Arguments.of("replicaCount=0", "replicaCount"),
        Arguments.of("sessionAffinity.timeoutSeconds=86401", "sessionAffinity.timeoutSeconds"),
        Arguments.of("sessionAffinity.default=Sticky", "sessionAffinity.default"),
        Arguments.of("ip.deniedCidrs={10.0.0.0/33}", "ip.deniedCidrs"),
        Arguments.of("ip.allowedCidrs={10.0.0.1}", "ip.allowedCidrs"),
        Arguments.of("image.flavor=graal", "image.flavor"),
        Arguments.of("admission.memoryBudget=lots", "admission.memoryBudget"),
        Arguments.of("admission.memoryBudget=100%", "admission.memoryBudget"),
        Arguments.of(
            "metrics.prometheusRule.certificateExpiryDays=0",
            "metrics.prometheusRule.certificateExpiryDays"),
        Arguments.of("metrics.prometheusRule.selector={job}", "metrics.prometheusRule.selector"),
        Arguments.of(
            "webhooks.matchConditions.enabled=sometimes", "webhooks.matchConditions.enabled"),
        Arguments.of("tpyo=1", "tpyo"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void schemaRejectsBadValues(String set, String field) {
    Helm.Result r = Helm.template("--set", set);
    assertThat(r.exitCode()).as("helm template --set " + set + " must fail").isNotZero();
    String jsonPointer = "/" + field.replace('.', '/');
    assertThat(r.stderr()).as(r.describe()).containsAnyOf(field, jsonPointer);
    assertThat(r.stdout()).doesNotContain("kind: Deployment");
  }

  @Test
  void goodBoundaryValuesAreAccepted() {
    Helm.Result r =
        Helm.template(
            "--set",
            "webhooks.timeoutSeconds=30",
            "--set",
            "replicaCount=1",
            "--set",
            "sessionAffinity.timeoutSeconds=86400",
            "--set",
            "ip.deniedCidrs={0.0.0.0/0,::/0}",
            "--set",
            "admission.memoryBudget=99%");
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  @Test
  void notesExplainVerificationAndBreakGlass() throws IOException {
    String notes = renderNotes();
    assertThat(notes)
        .contains("kubectl get validatingwebhookconfiguration " + RELEASE)
        .contains("kind: Endpoints")
        .contains("kubectl delete validatingwebhookconfiguration " + RELEASE)
        .contains("kubectl delete mutatingwebhookconfiguration " + RELEASE)
        .contains("helm test " + RELEASE);
  }
}
