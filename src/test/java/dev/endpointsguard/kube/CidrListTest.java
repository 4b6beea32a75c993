package dev.endpointsguard.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrListTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "10.96.0.0/12, 10.111.255.255, true",
    "10.96.0.0/12, 10.112.0.0, false",
    "192.0.2.7, 192.0.2.7, true",
    "192.0.2.7, 192.0.2.8, false",
    "10.0.0.1/8, 10.9.9.9, true",
    "fd00:ec2::254/128, fd00:ec2:0::254, true",
    "fd00::/8, fdff::1, true",
    "fd00::/8, fe00::1, false",
    "0.0.0.0/0, 203.0.113.9, true",
    "0.0.0.0/0, 2001:db8::1, false",
    "::/0, 2001:db8::1, true"
  })
  void containment(String cidr, String ip, boolean contained) {
    CidrList list = CidrList.parse(List.of(cidr));
    assertThat(list.match(IpLiteral.parse(ip).bytes()).isPresent()).isEqualTo(contained);
  }

  @Test
  void theFirstMatchingBlockIsNamedAsWritten() {
    CidrList list = CidrList.parse(List.of(" 10.0.0.0/8 ", "10.1.0.0/16", ""));
    assertThat(list.match(IpLiteral.parse("10.1.2.3").bytes())).contains("10.0.0.0/8");
    assertThat(list.toString()).isEqualTo("[10.0.0.0/8, 10.1.0.0/16]");
  }

  @Test
  void badEntriesAreNamed() {
    assertThatThrownBy(() -> CidrList.parse(List.of("10.0.0.0/8", "ten/8")))
        .hasMessageStartingWith("'ten/8' is not a CIDR: its address is a hostname");
    assertThatThrownBy(() -> CidrList.parse(List.of("10.0.0.0/33")))
        .hasMessageContaining("'10.0.0.0/33'");
  }

  /** Another tool would read these differently: refused, never guessed. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "010.0.0.0/8   | leading zeros",
        "10.96/12      | not a plain IPv4 address",
        "10.0.0.0/08   | prefix length",
        "10.0.0.0/     | prefix length",
        "::ffff:10.0.0.0/104 | IPv4-mapped",
        "0xa.0.0.0/8   | not a plain IPv4 address",
        "fd00::1%eth0/64 | zone"
      })
  void ambiguousSpellingsAreRefused(String cidr, String reason) {
    assertThatThrownBy(() -> CidrList.parse(List.of(cidr)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + cidr + "' is not a CIDR")
        .hasMessageContaining(reason);
  }
}
