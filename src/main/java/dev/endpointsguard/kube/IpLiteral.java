package dev.endpointsguard.kube;

/**
 * One IP literal read twice, by hand and without name resolution:
 *
 * <ul>
 *   <li><b>as Kubernetes reads it</b> ({@code ParseIPSloppy}, which the API server's legacy
 *       validation and EndpointSlice mirroring use): decimal IPv4 parts with leading zeros dropped,
 *       also in the dotted tail of an IPv6 literal, and an IPv4-mapped IPv6 address as its IPv4
 *       address;
 *   <li><b>strictly</b>, the only spellings that mean the same to every reader: plain
 *       dotted-decimal IPv4 without leading zeros, or IPv6 in any valid textual form without a
 *       zone, whose dotted tail is itself strict, and never an IPv4-mapped address.
 * </ul>
 *
 * A literal Kubernetes cannot read at all (hostnames, CIDRs, zones, short, hex or integer IPv4) has
 * no address.
 */
public final class IpLiteral {

  private IpLiteral() {}

  /**
   * The outcome of reading one literal.
   *
   * @param bytes the address Kubernetes reads (4 or 16 bytes), or null when it reads none
   * @param canonical that address in canonical form (RFC 5952 for IPv6), or null
   * @param problem why the text is not a strict literal, or null when it is
   */
  public record Parsed(byte[] bytes, String canonical, String problem) {

    /** Strictly valid: every reader agrees on the address. */
    public boolean valid() {
      return problem == null;
    }

    /** Kubernetes reads an address from the text (it may still be an ambiguous spelling). */
    public boolean readable() {
      return bytes != null;
    }

    public boolean isIPv4() {
      return bytes.length == 4;
    }
  }

  public static Parsed parse(String text) {
    if (text == null || text.isEmpty()) {
      return unreadable("is empty; write a plain IPv4 or IPv6 address");
    }
    if (text.indexOf(':') < 0) {
      return parseIPv4Literal(text);
    }
    return parseIPv6Literal(text);
  }

  /** The canonical form of a strictly valid literal; empty when it is not one. */
  public static java.util.Optional<String> canonical(String text) {
    Parsed parsed = parse(text);
    return parsed.valid() ? java.util.Optional.of(parsed.canonical()) : java.util.Optional.empty();
  }

  /** The address as Kubernetes reads it, in canonical form; empty when it reads none. */
  public static java.util.Optional<String> asKubernetesReadsIt(String text) {
    Parsed parsed = parse(text);
    return parsed.readable()
        ? java.util.Optional.of(parsed.canonical())
        : java.util.Optional.empty();
  }

  private static Parsed parseIPv4Literal(String text) {
    Dotted dotted = Dotted.read(text, 0);
    if (dotted != null && dotted.end == text.length()) {
      return new Parsed(
          dotted.bytes,
          // four decimal parts without leading zeros are the canonical form: keep the text
          dotted.leadingZero ? dotted.canonical() : text,
          dotted.leadingZero
              ? "has leading zeros, which are ambiguous (octal or decimal); write "
                  + dotted.canonical()
              : null);
    }
    return unreadable(notIPv4(text));
  }

  private static String notIPv4(String text) {
    if (text.contains("/")) {
      return "is a CIDR; list single addresses, one per entry";
    }
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.matches("(0x[0-9a-f]*|[0-9]*)(\\.(0x[0-9a-f]*|[0-9]*)){0,3}") && !text.isEmpty()) {
      return "is not a plain IPv4 address (four decimal numbers 0-255 separated by dots); short, hex, octal"
          + " and single-integer forms are read differently by different tools";
    }
    if (lower.matches("[a-z0-9.-]*[a-z-][a-z0-9.-]*")) {
      return "is a hostname, not an IP address; list IPs (use an ExternalName Service for names)";
    }
    return "is not an IP address; write a plain IPv4 or IPv6 address";
  }

  /** Go's pre-1.17 {@code parseIPv6}, which {@code ParseIPSloppy} keeps, plus the strict checks. */
  private static Parsed parseIPv6Literal(String text) {
    if (text.contains("/")) {
      return unreadable("is a CIDR; list single addresses, one per entry");
    }
    if (text.contains("%")) {
      return unreadable("has a zone (%…); zones are not allowed, drop the suffix");
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    int i = 0;
    int filled = 0;
    String strictProblem = null;
    if (text.startsWith("::")) {
      ellipsis = 0;
      i = 2;
      if (i == text.length()) {
        return new Parsed(ip, "::", null);
      }
    }
    while (filled < 16) {
      int digits = 0;
      int value = 0;
      int j = i;
      while (j < text.length() && hex(text.charAt(j)) >= 0 && value <= 0xffff) {
        value = value * 16 + hex(text.charAt(j));
        digits++;
        j++;
      }
      if (j < text.length() && text.charAt(j) == '.') {
        if (ellipsis < 0 && filled != 12 || filled > 12) {
          return unreadable(notIPv6());
        }
        Dotted tail = Dotted.read(text, i);
        if (tail == null || tail.end != text.length()) {
          return unreadable(
              "has an embedded IPv4 part that is not four decimal numbers 0-255; write it out in full");
        }
        if (tail.leadingZero) {
          strictProblem =
              "has leading zeros in its embedded IPv4 part, which are ambiguous (octal or decimal)";
        }
        System.arraycopy(tail.bytes, 0, ip, filled, 4);
        filled += 4;
        i = text.length();
        break;
      }
      if (digits == 0 || value > 0xffff) {
        return unreadable(notIPv6());
      }
      if (digits > 4) {
        // Kubernetes reads "00fd00" as fd00; other parsers refuse it
        strictProblem = "has a group of more than four hex digits, which not every parser reads";
      }
      ip[filled++] = (byte) (value >> 8);
      ip[filled++] = (byte) value;
      i = j;
      if (i == text.length()) {
        break;
      }
      if (text.charAt(i) != ':' || i + 1 == text.length()) {
        return unreadable(notIPv6());
      }
      i++;
      if (text.charAt(i) == ':') {
        if (ellipsis >= 0) {
          return unreadable(notIPv6());
        }
        ellipsis = filled;
        i++;
        if (i == text.length()) {
          break;
        }
      }
    }
    if (i != text.length()) {
      return unreadable(notIPv6());
    }
    if (filled < 16) {
      if (ellipsis < 0) {
        return unreadable(notIPv6());
      }
      int n = 16 - filled;
      System.arraycopy(ip, ellipsis, ip, ellipsis + n, filled - ellipsis);
      java.util.Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0 && ellipsis != filled) {
      return unreadable(notIPv6()); // "::" must stand for at least one group
    }
    if (isIPv4Mapped(ip)) {
      byte[] v4 = java.util.Arrays.copyOfRange(ip, 12, 16);
      String plain = Dotted.canonical(v4);
      return new Parsed(
          v4,
          plain,
          "is an IPv4-mapped IPv6 address, which is ambiguous; write the plain IPv4 address "
              + plain);
    }
    return new Parsed(ip, canonicalIPv6(ip), strictProblem);
  }

  /** ASCII hex digits only: other scripts' digits are no part of an address. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static String notIPv6() {
    return "is not a valid IPv6 address";
  }

  private static boolean isIPv4Mapped(byte[] ip) {
    for (int k = 0; k < 10; k++) {
      if (ip[k] != 0) {
        return false;
      }
    }
    return (ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff;
  }

  /**
   * RFC 5952: lower-case hex, the longest run (two groups or more, first if tied) of zero groups as
   * "::".
   */
  static String canonicalIPv6(byte[] ip) {
    int bestStart = -1;
    int bestLength = 1;
    for (int g = 0; g < 8; ) {
      if (group(ip, g) != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && group(ip, g) == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder out = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        out.append("::");
        g += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(group(ip, g)));
    }
    return out.toString();
  }

  private static int group(byte[] ip, int g) {
    return ((ip[2 * g] & 0xff) << 8) | (ip[2 * g + 1] & 0xff);
  }

  private static Parsed unreadable(String problem) {
    return new Parsed(null, null, problem);
  }

  /**
   * Four decimal parts 0-255, read from {@code start}; leading zeros are read as decimal and
   * remembered.
   */
  private record Dotted(byte[] bytes, int end, boolean leadingZero) {

    static Dotted read(String s, int start) {
      byte[] out = new byte[4];
      boolean leadingZero = false;
      int n = s.length();
      int i = start;
      for (int part = 0; part < 4; part++) {
        if (part > 0) {
          if (i >= n || s.charAt(i) != '.') {
            return null;
          }
          i++;
        }
        int first = i;
        int value = 0;
        for (char c; i < n && (c = s.charAt(i)) >= '0' && c <= '9'; i++) {
          value = value * 10 + (c - '0');
          if (value > 255) {
            return null;
          }
        }
        if (i == first) {
          return null;
        }
        leadingZero |= i - first > 1 && s.charAt(first) == '0';
        out[part] = (byte) value;
      }
      return new Dotted(out, i, leadingZero);
    }

    String canonical() {
      return canonical(bytes);
    }

    static String canonical(byte[] v4) {
      return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
    }
  }
}
