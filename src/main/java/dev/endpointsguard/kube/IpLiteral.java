package dev.endpointsguard.kube;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of one IP literal as Kubernetes' strict validation (KEP-4858) accepts it: plain
 * dotted-decimal IPv4 without leading zeros, or IPv6 in any valid textual form (canonical form is
 * not required) without a zone, and never an IPv4-mapped IPv6 address. Never resolves names. IPv4,
 * by far the common case on the admission path, is parsed by hand; IPv6 by the IPAddress library.
 */
public final class IpLiteral {

  private static final Pattern LITERAL_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern HOSTNAME_LIKE =
      Pattern.compile("[A-Za-z0-9.-]*[A-Za-z-][A-Za-z0-9.-]*");
  private static final Pattern LEADING_ZERO_V4 = Pattern.compile("(^|\\.)0[0-9]");

  private static final IPAddressStringParameters STRICT_V6 =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowPrefix(false)
          .allowMask(false)
          .allowSingleSegment(false)
          .allowWildcardedSeparator(false)
          .allowIPv4(false)
          .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .allowBase85(false)
          .allowMixed(true)
          .allowUnlimitedLeadingZeros(false)
          .getParentBuilder()
          .toParams();

  private IpLiteral() {}

  /**
   * The outcome of parsing: the address bytes (4 or 16) and canonical text, or the reason the text
   * is not an acceptable literal.
   */
  public record Parsed(byte[] bytes, String canonical, String problem) {
    public boolean valid() {
      return bytes != null;
    }

    public boolean isIPv4() {
      return bytes.length == 4;
    }
  }

  public static Parsed parse(String text) {
    if (text != null && !text.isEmpty() && text.indexOf(':') < 0) {
      byte[] v4 = parseIPv4(text);
      if (v4 != null) {
        return new Parsed(v4, text, null);
      }
    }
    return parseSlow(text);
  }

  /** The canonical form of a valid literal, or empty when it does not parse. */
  public static Optional<String> canonical(String text) {
    Parsed parsed = parse(text);
    return parsed.valid() ? Optional.of(parsed.canonical()) : Optional.empty();
  }

  /**
   * Dotted decimal, four parts of 0-255 without leading zeros; then the text is its own canonical
   * form.
   */
  static byte[] parseIPv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null; // leading zero
        }
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && part < 3) {
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else {
        return null;
      }
    }
    if (part != 3 || digits == 0) {
      return null;
    }
    out[3] = (byte) value;
    return out;
  }

  /** Everything but plain IPv4: IPv6, and the reasons a text is no acceptable literal. */
  private static Parsed parseSlow(String text) {
    if (text == null || text.isEmpty()) {
      return invalid("is empty; write a plain IPv4 or IPv6 address");
    }
    if (text.contains("/")) {
      return invalid("is a CIDR; Endpoints take single addresses, write one address per entry");
    }
    if (text.contains("%")) {
      return invalid("has a zone (%…); zones are not allowed, drop the suffix");
    }
    if (!LITERAL_CHARS.matcher(text).matches()) {
      if (HOSTNAME_LIKE.matcher(text).matches()) {
        return invalid(
            "is a hostname, not an IP address; Endpoints need IPs (use an ExternalName Service for names)");
      }
      return invalid("is not an IP address; write a plain IPv4 or IPv6 address");
    }
    if (!text.contains(":")) {
      return LEADING_ZERO_V4.matcher(text).find()
          ? invalid(
              "has leading zeros, which are ambiguous (octal or decimal); write it without them")
          : invalid("is not a valid IPv4 address (four numbers 0-255 separated by dots)");
    }
    IPAddress address;
    try {
      address = new IPAddressString(text, STRICT_V6).toAddress();
    } catch (AddressStringException e) {
      return invalid("is not a valid IPv4 or IPv6 address");
    }
    if (address == null || address.isMultiple()) {
      return invalid("is not a single IP address");
    }
    if (address.toIPv6().isIPv4Mapped()) {
      return invalid(
          "is an IPv4-mapped IPv6 address, which is ambiguous; write the plain IPv4 address "
              + address.toIPv6().getEmbeddedIPv4Address().toCanonicalString());
    }
    return new Parsed(address.getBytes(), address.toCanonicalString(), null);
  }

  private static Parsed invalid(String problem) {
    return new Parsed(null, null, problem);
  }
}
