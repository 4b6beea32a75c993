package dev.endpointsguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

class ApiServerDefaultsTest {

  @Test
  void endpointsPortsGetTcp() {
    var endpoints =
        new EndpointsBuilder()
            .addNewSubset()
            .addNewPort()
            .withPort(80)
            .endPort()
            .addNewPort()
            .withPort(53)
            .withProtocol("UDP")
            .endPort()
            .endSubset()
            .build();

    ApiServerDefaults.apply(endpoints);

    assertThat(endpoints.getSubsets().get(0).getPorts())
        .extracting(p -> p.getProtocol())
        .containsExactly("TCP", "UDP");
  }

  @Test
  void endpointsWithoutSubsetsStayAsTheyAre() {
    var endpoints = new EndpointsBuilder().withNewMetadata().withName("e").endMetadata().build();
    ApiServerDefaults.apply(endpoints);
    assertThat(endpoints.getSubsets()).isEmpty();
  }

  @Test
  void slicePortsGetTcpAndAnEmptyName() {
    var slice =
        new EndpointSliceBuilder()
            .withAddressType("IPv4")
            .addNewPort()
            .withPort(80)
            .endPort()
            .addNewPort()
            .withName("dns")
            .withPort(53)
            .withProtocol("UDP")
            .endPort()
            .build();

    ApiServerDefaults.apply(slice);

    assertThat(slice.getPorts()).extracting(p -> p.getProtocol()).containsExactly("TCP", "UDP");
    assertThat(slice.getPorts()).extracting(p -> p.getName()).containsExactly("", "dns");
  }

  @Test
  void serviceGetsTypeAffinityProtocolAndTargetPort() {
    var service =
        new ServiceBuilder()
            .withNewSpec()
            .addNewPort()
            .withPort(80)
            .endPort()
            .addNewPort()
            .withPort(443)
            .withTargetPort(new IntOrString("https"))
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withPort(53)
            .withTargetPort(new IntOrString(0))
            .withProtocol("UDP")
            .endPort()
            .endSpec()
            .build();

    ApiServerDefaults.apply(service);

    var spec = service.getSpec();
    assertThat(spec.getType()).isEqualTo("ClusterIP");
    assertThat(spec.getSessionAffinity()).isEqualTo("None");
    assertThat(spec.getPorts())
        .extracting(p -> p.getProtocol())
        .containsExactly("TCP", "TCP", "UDP");
    assertThat(spec.getPorts())
        .extracting(p -> p.getTargetPort())
        .containsExactly(new IntOrString(80), new IntOrString("https"), new IntOrString(53));
  }

  @Test
  void setValuesWinAndNoIpIsAllocated() {
    var service =
        new ServiceBuilder()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("example.org")
            .withSessionAffinity("ClientIP")
            .endSpec()
            .build();

    ApiServerDefaults.apply(service);

    assertThat(service.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(service.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
    assertThat(service.getSpec().getClusterIP()).isNull();
    assertThat(service.getSpec().getClusterIPs()).isEmpty();
  }

  @Test
  void aServiceWithoutSpecGetsOne() {
    var service = new ServiceBuilder().withNewMetadata().withName("s").endMetadata().build();
    ApiServerDefaults.apply(service);
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
  }
}
