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
    "::/0, 2001:db8::1, true",
    "64:ff9b::/96, 64:ff9b::a9fe:a9fe, true",
    "64:ff9b::/96, 64:ff9b::1:a9fe:a9fe, false",
    "2001:db8::/63, 2001:db8:0:1::1, true",
    "2001:db8::/63, 2001:db8:0:2::1, false",
    "2001:db8::/65, 2001:db8::7fff:0:0:1, true",
    "2001:db8::/65, 2001:db8::8000:0:0:1, false",
    "2001:db8::1/127, 2001:db8::, true",
    "2001:db8::1/127, 2001:db8::2, false",
    "169.254.169.254/31, 169.254.169.255, true",
    "169.254.169.254/31, 169.254.169.253, false"
  })
  void containment(String cidr, String ip, boolean contained) {
    CidrList list = CidrList.parse(List.of(cidr));
    assertThat(list.match(IpLiteral.parse(ip).bytes()).isPresent()).isEqualTo(contained);
  }

  /** The two-long comparison agrees with a bit-by-bit reading for every prefix length. */
  @Test
  void containmentAgreesWithABitByBitReadingAtEveryPrefix() {
    java.util.Random random = new java.util.Random(42);
    for (int length : new int[] {4, 16}) {
      for (int prefix = 0; prefix <= length * 8; prefix++) {
        for (int trial = 0; trial < 20; trial++) {
          byte[] network = new byte[length];
          byte[] address = new byte[length];
          random.nextBytes(network);
          random.nextBytes(address);
          // most trials share a random number of leading bits, so both answers occur
          int shared = random.nextInt(length * 8 + 1);
          for (int bit = 0; bit < shared; bit++) {
            int mask = 0x80 >>> (bit % 8);
            address[bit / 8] = (byte) ((address[bit / 8] & ~mask) | (network[bit / 8] & mask));
          }
          boolean expected = true;
          for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            expected &= (address[bit / 8] & mask) == (network[bit / 8] & mask);
          }
          assertThat(new CidrList.Block("t", network, prefix).contains(address))
              .as("prefix %d, trial %d", prefix, trial)
              .isEqualTo(expected);
        }
      }
    }
  }

  /** The first-byte filter of a list never hides a block that contains the address. */
  @Test
  void aListMatchesExactlyWhereOneOfItsBlocksContainsTheAddress() {
    java.util.Random random = new java.util.Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int length = random.nextBoolean() ? 4 : 16;
      byte[] network = new byte[length];
      byte[] address = new byte[length];
      random.nextBytes(network);
      random.nextBytes(address);
      if (random.nextBoolean()) {
        address[0] = network[0]; // same first byte half of the time
      }
      int prefix = random.nextInt(length * 8 + 1);
      String text =
          (length == 4
                  ? (network[0] & 0xff)
                      + "."
                      + (network[1] & 0xff)
                      + "."
                      + (network[2] & 0xff)
                      + "."
                      + (network[3] & 0xff)
                  : IpLiteral.canonicalIPv6(network))
              + "/"
              + prefix;
      CidrList list = CidrList.parse(List.of(text));
      assertThat(list.match(address).isPresent())
          .as("%s contains %s", text, java.util.Arrays.toString(address))
          .isEqualTo(CidrList.block(text).contains(address));
    }
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
