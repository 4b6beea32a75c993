package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * templates/tls-secret.yaml, templates/cert-manager.yaml and the caBundle of every certificate
 * mode.
 */
class CertificatesTemplateTest {

  @Test
  void helmModeGeneratesACaWhoseBundleMatchesTheSecret() throws Exception {
    Manifests m = defaults();
    Secret secret = m.one(Secret.class);
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
    String caB64 = secret.getData().get("ca.crt");
    String caPem = new String(Base64.getDecoder().decode(caB64), StandardCharsets.US_ASCII);
    assertThat(caPem).startsWith("-----BEGIN CERTIFICATE-----");

    for (WebhookClientConfig cc : clientConfigs(m)) {
      assertThat(cc.getCaBundle()).isEqualTo(caB64);
    }

    X509Certificate ca = x509(caPem);
    String crtPem =
        new String(
            Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
    X509Certificate crt = x509(crtPem);
    crt.verify(ca.getPublicKey()); // signed by the CA in the bundle
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    List<String> sans =
        crt.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
    String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
    assertThat(sans)
        .contains(
            svc,
            svc + "." + NAMESPACE,
            svc + "." + NAMESPACE + ".svc",
            svc + "." + NAMESPACE + ".svc.cluster.local");
    assertThat(
            new String(
                Base64.getDecoder().decode(secret.getData().get("tls.key")),
                StandardCharsets.US_ASCII))
        .contains("PRIVATE KEY");

    // pods roll only when the serving certificate changes
    String checksum =
        m.one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get("checksum/tls");
    assertThat(checksum).isEqualTo(sha256Hex(crtPem));

    assertThat(m.kind("Certificate")).isEmpty();
    assertThat(m.kind("Issuer")).isEmpty();
    assertThat(webhookConfigAnnotations(m))
        .allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void certManagerModeUsesACaChainAndCaInjection() {
    Manifests m = certManager();
    assertThat(m.all(Secret.class)).isEmpty();
    List<HasMetadata> certs = m.kind("Certificate");
    List<HasMetadata> issuers = m.kind("Issuer");
    assertThat(certs)
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(GenericKubernetesResource.class));
    assertThat(issuers).hasSize(2);
    GenericKubernetesResource selfSigned =
        generic(
            issuers.stream()
                .filter(i -> generic(i).get("spec", "selfSigned") != null)
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource caCert =
        generic(
            certs.stream()
                .filter(c -> Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource caIssuer =
        generic(
            issuers.stream()
                .filter(i -> generic(i).get("spec", "ca") != null)
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource serving =
        generic(
            certs.stream()
                .filter(c -> !Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());

    assertThat((String) caCert.get("spec", "issuerRef", "name"))
        .isEqualTo(selfSigned.getMetadata().getName());
    assertThat((String) caIssuer.get("spec", "ca", "secretName"))
        .isEqualTo(caCert.get("spec", "secretName"));
    assertThat((String) serving.get("spec", "issuerRef", "name"))
        .isEqualTo(caIssuer.getMetadata().getName());
    String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
    assertThat((List<Object>) serving.get("spec", "dnsNames"))
        .containsExactlyInAnyOrder(
            svc,
            svc + "." + NAMESPACE,
            svc + "." + NAMESPACE + ".svc",
            svc + "." + NAMESPACE + ".svc.cluster.local");
    PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(
            volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName())
                .getSecret()
                .getSecretName())
        .isEqualTo(serving.get("spec", "secretName"));

    assertThat(webhookConfigAnnotations(m))
        .hasSize(2)
        .allSatisfy(
            a ->
                assertThat(a)
                    .containsEntry(
                        "cert-manager.io/inject-ca-from",
                        NAMESPACE + "/" + serving.getMetadata().getName()));
    assertThat(clientConfigs(m)).allSatisfy(cc -> assertThat(cc.getCaBundle()).isNull());
    Map<String, String> podAnnotations =
        m.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(podAnnotations == null ? Map.<String, String>of() : podAnnotations)
        .doesNotContainKey("checksum/tls");
  }

  @Test
  void certManagerModeCanUseAnExistingIssuer() {
    Manifests m =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "certificates.mode=cert-manager",
                "--set",
                "certificates.certManager.issuerRef.name=corp-ca",
                "--set",
                "certificates.certManager.issuerRef.kind=ClusterIssuer"));
    assertThat(m.kind("Issuer")).isEmpty();
    GenericKubernetesResource serving = generic(m.kind("Certificate").get(0));
    assertThat(m.kind("Certificate")).hasSize(1);
    assertThat((String) serving.get("spec", "issuerRef", "name")).isEqualTo("corp-ca");
    assertThat((String) serving.get("spec", "issuerRef", "kind")).isEqualTo("ClusterIssuer");
  }

  @Test
  void existingSecretModeUsesTheUsersSecretAndCaBundle() {
    Manifests m = existingSecret();
    assertThat(m.all(Secret.class)).isEmpty();
    assertThat(m.kind("Certificate")).isEmpty();
    assertThat(clientConfigs(m))
        .hasSize(4)
        .allSatisfy(cc -> assertThat(cc.getCaBundle()).isEqualTo(EXISTING_CA_B64));
    PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(
            volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName())
                .getSecret()
                .getSecretName())
        .isEqualTo("my-webhook-tls");
    assertThat(webhookConfigAnnotations(m))
        .allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void certManagerCommonNameIsLeftOutWhenItWouldExceed64Characters() {
    String release = "a-rather-long-release-name-for-the-webhook";
    String namespace = "platform-admission-controllers";
    Helm.Result r =
        Helm.run(
            List.of(
                "template",
                release,
                Helm.CHART.toString(),
                "--namespace",
                namespace,
                "--kube-version",
                "1.31.0",
                "--set",
                "certificates.mode=cert-manager"));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    Manifests m = Manifests.parse(r.stdout());
    String svc = m.all(Service.class).get(0).getMetadata().getName();
    assertThat((svc + "." + namespace + ".svc").length()).isGreaterThan(64);
    for (HasMetadata c : m.kind("Certificate")) {
      Object cn = generic(c).get("spec", "commonName");
      assertThat(cn == null ? "" : cn.toString())
          .as(c.getMetadata().getName())
          .hasSizeLessThanOrEqualTo(64);
    }
    GenericKubernetesResource serving =
        generic(
            m.kind("Certificate").stream()
                .filter(c -> !Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());
    assertThat((Object) serving.get("spec", "commonName")).isNull();
    assertThat((List<Object>) serving.get("spec", "dnsNames"))
        .contains(svc + "." + namespace + ".svc");

    // a short one still carries it
    GenericKubernetesResource usual =
        generic(
            certManager().kind("Certificate").stream()
                .filter(c -> !Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());
    assertThat((String) usual.get("spec", "commonName"))
        .isEqualTo(RELEASE + "." + NAMESPACE + ".svc");
  }

  @Test
  void helmModeSecretRecordsWhenItsCertificatesExpire() throws Exception {
    Secret secret = defaults().one(Secret.class);
    String notAfter = secret.getMetadata().getAnnotations().get("endpoints-guard.dev/not-after");
    X509Certificate crt =
        x509(
            new String(
                Base64.getDecoder().decode(secret.getData().get("tls.crt")),
                StandardCharsets.US_ASCII));
    assertThat(Duration.between(crt.getNotAfter().toInstant(), Instant.parse(notAfter)).abs())
        .isLessThan(Duration.ofMinutes(5));
    assertThat(Instant.parse(notAfter)).isAfter(Instant.now().plus(Duration.ofDays(3649)));
  }

  static final String OLD_CA = "-----BEGIN CERTIFICATE-----\nT0xEIENB\n-----END CERTIFICATE-----\n";

  static String existingSecretJson(String notAfter) {
    String annotations =
        notAfter == null ? "{}" : "{\"endpoints-guard.dev/not-after\":\"" + notAfter + "\"}";
    return "{\"metadata\":{\"annotations\":"
        + annotations
        + "},\"data\":{"
        + "\"tls.crt\":\""
        + b64("OLD-CRT")
        + "\",\"tls.key\":\""
        + b64("OLD-KEY")
        + "\",\"ca.crt\":\""
        + b64(OLD_CA)
        + "\"}}";
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void helmModeReusesAnExistingSecretFarFromExpiry() throws Exception {
    String notAfter =
        Instant.now().plus(Duration.ofDays(200)).truncatedTo(ChronoUnit.SECONDS).toString();
    Manifests m = renderWithExistingTlsSecret("fresh", existingSecretJson(notAfter));
    Secret secret = m.one(Secret.class);
    assertThat(secret.getData())
        .containsEntry("tls.crt", b64("OLD-CRT"))
        .containsEntry("ca.crt", b64(OLD_CA));
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry("endpoints-guard.dev/not-after", notAfter);
    assertThat(clientConfigs(m))
        .allSatisfy(cc -> assertThat(cc.getCaBundle()).isEqualTo(b64(OLD_CA)));
  }

  static Stream<Arguments> secretsToRenew() {
    return Stream.of(
        Arguments.of(
            "expires-in-10-days",
            Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS).toString()),
        Arguments.of("expired", "2020-01-01T00:00:00Z"),
        Arguments.of("no-annotation", null));
  }

  /**
   * Close to expiry, expired, or of unknown expiry (made by an older chart): new CA and pair, old
   * CA kept in the bundle.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("secretsToRenew")
  void helmModeRenewsAnExistingSecretCloseToExpiry(String label, String notAfter) throws Exception {
    Manifests m = renderWithExistingTlsSecret(label, existingSecretJson(notAfter));
    Secret secret = m.one(Secret.class);
    String crtPem =
        new String(
            Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
    String bundle =
        new String(
            Base64.getDecoder().decode(secret.getData().get("ca.crt")), StandardCharsets.US_ASCII);
    assertThat(crtPem).startsWith("-----BEGIN CERTIFICATE-----");
    X509Certificate newCa = x509(bundle); // the first certificate of the bundle
    x509(crtPem).verify(newCa.getPublicKey());
    assertThat(bundle).as("the previous CA stays trusted for one rotation").endsWith(OLD_CA);
    assertThat(
            Instant.parse(
                secret.getMetadata().getAnnotations().get("endpoints-guard.dev/not-after")))
        .isAfter(Instant.now().plus(Duration.ofDays(3000)));
    assertThat(clientConfigs(m))
        .allSatisfy(cc -> assertThat(cc.getCaBundle()).isEqualTo(secret.getData().get("ca.crt")));
    assertThat(
            m.one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/tls"))
        .isEqualTo(sha256Hex(crtPem));
  }
}
