package dev.endpointsguard.rules;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

import java.util.regex.Pattern;

/**
 * Strict parsing of one IP literal as Kubernetes' strict validation (KEP-4858) accepts it: plain dotted-decimal
 * IPv4 without leading zeros, or IPv6 in any valid textual form (canonical form is not required) without a zone,
 * and never an IPv4-mapped IPv6 address. Never resolves names.
 */
public final class IpLiteral {

    private static final Pattern LITERAL_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern HOSTNAME_LIKE = Pattern.compile("[A-Za-z0-9.-]*[A-Za-z-][A-Za-z0-9.-]*");
    private static final Pattern LEADING_ZERO_V4 = Pattern.compile("(^|\\.)0[0-9]");

    private static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowPrefix(false).allowMask(false).allowSingleSegment(false)
            .allowWildcardedSeparator(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allow_inet_aton(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowBase85(false).allowMixed(true)
            .allowUnlimitedLeadingZeros(false).getParentBuilder()
            .toParams();

    private IpLiteral() {
    }

    /** The outcome of parsing: an address, or the reason the text is not an acceptable literal. */
    public record Parsed(IPAddress address, String problem) {
        public boolean valid() {
            return address != null;
        }

        /** RFC 5952 / dotted-decimal form: the key under which IPs are compared and indexed. */
        public String canonical() {
            return address.toCanonicalString();
        }

        public boolean isIPv4() {
            return address.isIPv4();
        }
    }

    public static Parsed parse(String text) {
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
                return invalid("is a hostname, not an IP address; Endpoints need IPs (use an ExternalName Service for names)");
            }
            return invalid("is not an IP address; write a plain IPv4 or IPv6 address");
        }
        if (!text.contains(":") && LEADING_ZERO_V4.matcher(text).find()) {
            return invalid("has leading zeros, which are ambiguous (octal or decimal); write it without them");
        }
        IPAddress address;
        try {
            address = new IPAddressString(text, STRICT).toAddress();
        } catch (AddressStringException e) {
            return invalid("is not a valid IPv4 or IPv6 address");
        }
        if (address == null || address.isMultiple()) {
            return invalid("is not a single IP address");
        }
        if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
            return invalid("is an IPv4-mapped IPv6 address, which is ambiguous; write the plain IPv4 address "
                    + address.toIPv6().getEmbeddedIPv4Address().toCanonicalString());
        }
        return new Parsed(address, null);
    }

    /** The canonical form of a valid literal, or empty when it does not parse. */
    public static java.util.Optional<String> canonical(String text) {
        Parsed parsed = parse(text);
        return parsed.valid() ? java.util.Optional.of(parsed.canonical()) : java.util.Optional.empty();
    }

    private static Parsed invalid(String problem) {
        return new Parsed(null, problem);
    }
}
