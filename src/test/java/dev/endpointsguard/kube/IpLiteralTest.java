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
    "::, ::"
  })
  void acceptsPlainLiteralsAndCanonicalises(String text, String canonical) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.valid()).as(parsed.problem()).isTrue();
    assertThat(parsed.canonical()).isEqualTo(canonical);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "010.001.002.003 | leading zeros",
        "10.0.0.01       | leading zeros",
        "::ffff:1.2.3.4  | IPv4-mapped IPv6 address, which is ambiguous; write the plain IPv4 address 1.2.3.4",
        "::ffff:102:304  | IPv4-mapped",
        "fe80::1%eth0    | zone",
        "10.0.0.0/24     | CIDR",
        "registry.local  | hostname",
        "localhost       | hostname",
        "1.2.3           | not a valid",
        "10.0.0.256      | not a valid",
        "1::2::3         | not a valid",
        "10.0.0.*        | not an IP address",
        "1-2.0.0.1       | hostname"
      })
  void rejectsAmbiguousOrNonLiteralText(String text, String reason) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.problem()).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        " 10.0.0.1",
        "10.0.0.1 ",
        "",
        "0x0a.0.0.1",
        "1.2.3.4.",
        ".1.2.3",
        "1..2.3",
        "1.2.3.",
        "1.2.3.04",
        "1.2.3.0004",
        "256.1.1.1",
        "1.2.3.4.5",
        "1.2.3.-4",
        "１.2.3.4"
      })
  void rejectsWhitespaceEmptyAndHex(String text) {
    assertThat(IpLiteral.parse(text).valid()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0", "255.255.255.255", "10.0.0.0", "100.64.0.1", "1.2.3.4"})
  void plainIPv4IsItsOwnCanonicalForm(String text) {
    IpLiteral.Parsed parsed = IpLiteral.parse(text);
    assertThat(parsed.canonical()).isEqualTo(text);
    assertThat(parsed.bytes()).hasSize(4);
  }
}
