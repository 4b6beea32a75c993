package dev.endpointsguard.rules;

import dev.endpointsguard.kube.CidrList;
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

  private ReservedRanges() {}

  /**
   * Why the address is reserved: built-in ranges first, then the configured {@code
   * ip.reserved-cidrs}.
   */
  static Optional<String> reason(byte[] address, CidrList configured) {
    for (Range r : BUILT_IN) {
      if (r.block.contains(address)) {
        return Optional.of(r.why);
      }
    }
    return configured
        .match(address)
        .map(
            cidr ->
                "is in the reserved range "
                    + cidr
                    + " (endpoints-guard.ip.reserved-cidrs), e.g. a cloud metadata address");
  }

  private static Range range(String cidr, String why) {
    return new Range(CidrList.block(cidr), why);
  }
}
