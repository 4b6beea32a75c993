package dev.endpointsguard.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.250, 10.0.0.250",
    "0.0.0.0, 0.0.0.0",
    "2001:DB8::1, 2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "fd00:EC2::254, fd00:ec2::254",
    "::1.2.3.4, ::102:304",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "1:0:0:1:0:0:0:1, 1:0:0:1::1",
    "1:0:0:0:1:0:0:1, 1::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "64:ff9b::169.254.169.254, 64:ff9b::a9fe:a9fe"
  })
  void acceptsPlainLiteralsAndCanonicalises(String text, String canonical) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.valid()).as(parsed.problem()).isTrue();
    assertThat(parsed.canonical()).isEqualTo(canonical);
  }

  /** Ambiguous spellings: invalid, but read as Kubernetes' ParseIPSloppy reads them. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "010.001.002.003            | 10.1.2.3           | leading zeros",
        "10.0.0.01                  | 10.0.0.1           | leading zeros",
        "010.096.000.010            | 10.96.0.10         | leading zeros",
        "0000010.0.0.1              | 10.0.0.1           | leading zeros",
        "::ffff:1.2.3.4             | 1.2.3.4            | IPv4-mapped IPv6 address, which is ambiguous; write the plain IPv4 address 1.2.3.4",
        "::ffff:102:304             | 1.2.3.4            | IPv4-mapped",
        "::ffff:a60:a               | 10.96.0.10         | IPv4-mapped",
        "0:0:0:0:0:FFFF:0A60:000A   | 10.96.0.10         | IPv4-mapped",
        "::ffff:010.096.0.10        | 10.96.0.10         | IPv4-mapped",
        "fd00:10:244:1::0.0.0.010   | fd00:10:244:1::a   | leading zeros in its embedded IPv4 part",
        "::0.0.0.010                | ::a                | leading zeros in its embedded IPv4 part",
        "00fd00:ec2::254            | fd00:ec2::254      | more than four hex digits"
      })
  void ambiguousSpellingsAreInvalidButReadAsKubernetesReadsThem(
      String text, String kubernetesReads, String reason) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.problem()).contains(reason);
    assertThat(parsed.readable()).isTrue();
    assertThat(parsed.canonical()).isEqualTo(kubernetesReads);
    assertThat(IpLiteral.asKubernetesReadsIt(text)).contains(kubernetesReads);
  }

  /** Kubernetes reads no address from these at all. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fe80::1%eth0    | zone",
        "10.0.0.0/24     | CIDR",
        "registry.local  | hostname",
        "localhost       | hostname",
        "1.2.3           | not a plain IPv4 address",
        "10.96.10        | not a plain IPv4 address",
        "167772161       | not a plain IPv4 address",
        "0xa.0.0.1       | not a plain IPv4 address",
        "0x0a000001      | not a plain IPv4 address",
        "10.0.0.256      | not a plain IPv4 address",
        "::1.2.3         | embedded IPv4 part",
        "::1.2.3.4.5     | embedded IPv4 part",
        "1::2::3         | not a valid IPv6",
        "1:2:3:4:5:6:7:8:9 | not a valid IPv6",
        "12345::1        | not a valid IPv6",
        "1:2:3:4:5:6:7::8 | not a valid IPv6",
        ":1::2           | not a valid IPv6",
        "1:2::3:         | not a valid IPv6",
        "10.0.0.*        | not an IP address",
        "1-2.0.0.1       | hostname"
      })
  void rejectsWhatKubernetesCannotRead(String text, String reason) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.readable()).isFalse();
    assertThat(parsed.problem()).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        " 10.0.0.1",
        "10.0.0.1 ",
        "",
        "1.2.3.4.",
        ".1.2.3",
        "1..2.3",
        "1.2.3.",
        "256.1.1.1",
        "1.2.3.4.5",
        "1.2.3.-4",
        "１.2.3.4",
        "fd00::１",
        "::ffff:1.2.3.4 "
      })
  void rejectsWhitespaceEmptyAndMalformed(String text) {
    assertThat(IpLiteral.parse(text).valid()).isFalse();
    assertThat(IpLiteral.parse(text).readable()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0", "255.255.255.255", "10.0.0.0", "100.64.0.1", "1.2.3.4"})
  void plainIPv4IsItsOwnCanonicalForm(String text) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.canonical()).isEqualTo(text);
    assertThat(parsed.bytes()).hasSize(4);
  }
}
