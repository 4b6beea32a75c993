package dev.endpointsguard.rules;

import dev.endpointsguard.kube.CidrList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The ranges an Endpoints address may never be in, each with the reason a user can act on. */
final class ReservedRanges {

  private record Range(CidrList.Block block, String why) {}

  private static final List<Range> BUILT_IN =
      List.of(
          range("0.0.0.0/32", "is the unspecified address"),
          range("::/128", "is the unspecified address"),
          range("0.0.0.0/8", "is in 0.0.0.0/8 (\"this network\"), which is not routable"),
          range(
              "127.0.0.0/8", "is a loopback address (127.0.0.0/8): it would reach the node itself"),
          range("::1/128", "is the loopback address (::1): it would reach the node itself"),
          range(
              "169.254.0.0/16",
              "is link-local (169.254.0.0/16), where cloud metadata services live"),
          range("fe80::/10", "is link-local (fe80::/10)"),
          range("224.0.0.0/4", "is multicast (224.0.0.0/4)"),
          range("ff00::/8", "is multicast (ff00::/8)"),
          range(
              "240.0.0.0/4",
              "is in the reserved range 240.0.0.0/4 (incl. broadcast 255.255.255.255)"));

  private static final List<Range> BUILT_IN_V4 =
      BUILT_IN.stream().filter(r -> r.block.network().length == 4).toList();
  private static final List<Range> BUILT_IN_V6 =
      BUILT_IN.stream().filter(r -> r.block.network().length == 16).toList();

  private static final CidrList BUILT_IN_BLOCKS =
      CidrList.parse(BUILT_IN.stream().map(r -> r.block.text()).toList());

  private ReservedRanges() {}

  /**
   * Why the address is reserved: built-in ranges first, then the configured {@code
   * ip.reserved-cidrs}.
   */
  static Optional<String> reason(byte[] address, CidrList configured) {
    CidrList.Bits bits = CidrList.Bits.of(address);
    if (address.length == 16 && NAT64.block.contains(bits)) {
      // on clusters with NAT64/DNS64, 64:ff9b::a9fe:a9fe reaches 169.254.169.254
      byte[] embedded = Arrays.copyOfRange(address, 12, 16);
      return reason(embedded, configured)
          .map(
              why ->
                  "embeds the IPv4 address "
                      + ipv4(embedded)
                      + " in the NAT64 prefix 64:ff9b::/96, which "
                      + why);
    }
    if (!BUILT_IN_BLOCKS.mayContain(bits)) {
      return configured.match(bits).map(ReservedRanges::configuredReason);
    }
    for (Range r : address.length == 4 ? BUILT_IN_V4 : BUILT_IN_V6) {
      if (r.block.contains(bits)) {
        return Optional.of(r.why);
      }
    }
    return configured.match(bits).map(ReservedRanges::configuredReason);
  }

  private static String configuredReason(String cidr) {
    return "is in the reserved range "
        + cidr
        + " (endpoints-guard.ip.reserved-cidrs), e.g. a cloud metadata address";
  }

  private static final Range NAT64 = range("64:ff9b::/96", "is NAT64");

  private static String ipv4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  private static Range range(String cidr, String why) {
    return new Range(CidrList.block(cidr), why);
  }
}
