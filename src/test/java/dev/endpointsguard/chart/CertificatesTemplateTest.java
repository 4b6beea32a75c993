package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** templates/tls-secret.yaml, templates/cert-manager.yaml and the caBundle of every certificate mode. */
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
        String crtPem = new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
        X509Certificate crt = x509(crtPem);
        crt.verify(ca.getPublicKey()); // signed by the CA in the bundle
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        List<String> sans = crt.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
        assertThat(sans).contains(svc, svc + "." + NAMESPACE, svc + "." + NAMESPACE + ".svc",
                svc + "." + NAMESPACE + ".svc.cluster.local");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("tls.key")), StandardCharsets.US_ASCII))
                .contains("PRIVATE KEY");

        // pods roll only when the serving certificate changes
        String checksum = m.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/tls");
        assertThat(checksum).isEqualTo(sha256Hex(crtPem));

        assertThat(m.kind("Certificate")).isEmpty();
        assertThat(m.kind("Issuer")).isEmpty();
        assertThat(webhookConfigAnnotations(m)).allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void certManagerModeUsesACaChainAndCaInjection() {
        Manifests m = certManager();
        assertThat(m.all(Secret.class)).isEmpty();
        List<HasMetadata> certs = m.kind("Certificate");
        List<HasMetadata> issuers = m.kind("Issuer");
        assertThat(certs).hasSize(2).allSatisfy(c -> assertThat(c).isInstanceOf(GenericKubernetesResource.class));
        assertThat(issuers).hasSize(2);
        GenericKubernetesResource selfSigned = generic(issuers.stream()
                .filter(i -> generic(i).get("spec", "selfSigned") != null).findFirst().orElseThrow());
        GenericKubernetesResource caCert = generic(certs.stream()
                .filter(c -> Boolean.TRUE.equals(generic(c).get("spec", "isCA"))).findFirst().orElseThrow());
        GenericKubernetesResource caIssuer = generic(issuers.stream()
                .filter(i -> generic(i).get("spec", "ca") != null).findFirst().orElseThrow());
        GenericKubernetesResource serving = generic(certs.stream()
                .filter(c -> !Boolean.TRUE.equals(generic(c).get("spec", "isCA"))).findFirst().orElseThrow());

        assertThat((String) caCert.get("spec", "issuerRef", "name")).isEqualTo(selfSigned.getMetadata().getName());
        assertThat((String) caIssuer.get("spec", "ca", "secretName")).isEqualTo(caCert.get("spec", "secretName"));
        assertThat((String) serving.get("spec", "issuerRef", "name")).isEqualTo(caIssuer.getMetadata().getName());
        String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
        assertThat((List<Object>) serving.get("spec", "dnsNames")).containsExactlyInAnyOrder(svc, svc + "." + NAMESPACE,
                svc + "." + NAMESPACE + ".svc", svc + "." + NAMESPACE + ".svc.cluster.local");
        PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName()).getSecret().getSecretName())
                .isEqualTo(serving.get("spec", "secretName"));

        assertThat(webhookConfigAnnotations(m)).hasSize(2).allSatisfy(a -> assertThat(a)
                .containsEntry("cert-manager.io/inject-ca-from", NAMESPACE + "/" + serving.getMetadata().getName()));
        assertThat(clientConfigs(m)).allSatisfy(cc -> assertThat(cc.getCaBundle()).isNull());
        Map<String, String> podAnnotations = m.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(podAnnotations == null ? Map.<String, String> of() : podAnnotations).doesNotContainKey("checksum/tls");
    }

    @Test
    void certManagerModeCanUseAnExistingIssuer() {
        Manifests m = Helm.render(args(NEW_KUBE, "--set", "certificates.mode=cert-manager",
                "--set", "certificates.certManager.issuerRef.name=corp-ca",
                "--set", "certificates.certManager.issuerRef.kind=ClusterIssuer"));
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
        assertThat(clientConfigs(m)).hasSize(3).allSatisfy(cc -> assertThat(cc.getCaBundle()).isEqualTo(EXISTING_CA_B64));
        PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName()).getSecret().getSecretName())
                .isEqualTo("my-webhook-tls");
        assertThat(webhookConfigAnnotations(m)).allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
    }
}
