package dev.endpointsguard.rules;

import dev.endpointsguard.kube.CidrList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ranges an Endpoints address may never be in, each with the reason a user can act on. */
final class ReservedRanges {

  /** The built-in ranges in the order they are tried (the first that matches names the reason). */
  private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("0.0.0.0/32", "is the unspecified address");
    BUILT_IN.put("::/128", "is the unspecified address");
    BUILT_IN.put("0.0.0.0/8", "is in 0.0.0.0/8 (\"this network\"), which is not routable");
    BUILT_IN.put(
        "127.0.0.0/8", "is a loopback address (127.0.0.0/8): it would reach the node itself");
    BUILT_IN.put("::1/128", "is the loopback address (::1): it would reach the node itself");
    BUILT_IN.put(
        "169.254.0.0/16", "is link-local (169.254.0.0/16), where cloud metadata services live");
    BUILT_IN.put("fe80::/10", "is link-local (fe80::/10)");
    BUILT_IN.put("224.0.0.0/4", "is multicast (224.0.0.0/4)");
    BUILT_IN.put("ff00::/8", "is multicast (ff00::/8)");
    BUILT_IN.put(
        "240.0.0.0/4", "is in the reserved range 240.0.0.0/4 (incl. broadcast 255.255.255.255)");
  }

  private static final CidrList BUILT_IN_BLOCKS = CidrList.parse(List.copyOf(BUILT_IN.keySet()));

  private static final CidrList NAT64 = CidrList.parse(List.of("64:ff9b::/96"));

  private ReservedRanges() {}

  /**
   * Why the address is reserved: built-in ranges first, then the configured {@code
   * ip.reserved-cidrs}.
   */
  static Optional<String> reason(byte[] address, CidrList configured) {
    CidrList.Bits bits = CidrList.Bits.of(address);
    if (NAT64.match(bits).isPresent()) {
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
    Optional<String> builtIn = BUILT_IN_BLOCKS.match(bits).map(BUILT_IN::get);
    return builtIn.isPresent()
        ? builtIn
        : configured
            .match(bits)
            .map(
                cidr ->
                    "is in the reserved range "
                        + cidr
                        + " (endpoints-guard.ip.reserved-cidrs), e.g. a cloud metadata address");
  }

  private static String ipv4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }
}
