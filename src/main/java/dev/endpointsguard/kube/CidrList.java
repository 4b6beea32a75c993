package dev.endpointsguard.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered list of CIDR blocks, each kept with the text it was written as. Parsed once with the
 * hand-written strict parser (IpLiteral); containment is a byte-prefix comparison, cheap enough for
 * every address of every review.
 */
public final class CidrList {

  /** One block: network bytes, prefix length, and the text shown to users. */
  public record Block(String text, byte[] network, int prefix) {
    public boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Block> blocks;

  private CidrList(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  public static CidrList empty() {
    return new CidrList(List.of());
  }

  /**
   * Parses CIDRs such as {@code 10.0.0.0/8} or {@code fd00:ec2::254/128}; a bare address counts as
   * a single-host block.
   *
   * @throws IllegalArgumentException naming the first entry that is not a CIDR
   */
  public static CidrList parse(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String raw : cidrs) {
      String text = raw.trim();
      if (!text.isEmpty()) {
        blocks.add(block(text));
      }
    }
    return new CidrList(blocks);
  }

  /**
   * One CIDR such as {@code 10.0.0.0/8} or {@code fd00:ec2::254/128}, read strictly: a spelling
   * another tool would read differently ({@code 010.0.0.0/8}, {@code 10.96/12}) is refused, never
   * guessed. A bare address is a single-host block; host bits below the prefix are ignored, as
   * Kubernetes does.
   *
   * @throws IllegalArgumentException saying why the text is not a CIDR
   */
  public static Block block(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    IpLiteral.Parsed parsed = IpLiteral.parse(address);
    if (!parsed.valid()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a CIDR: its address "
              + parsed.problem()
              + " (expected e.g. 10.0.0.0/8 or fd00::/8)");
    }
    int bits = parsed.bytes().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (!digits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(digits) > bits) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a CIDR: the prefix length must be a whole number from 0 to "
                + bits
                + " (expected e.g. 10.0.0.0/8 or fd00::/8)");
      }
      prefix = Integer.parseInt(digits);
    }
    return new Block(text, parsed.bytes(), prefix);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** The first block (as written) that contains the address bytes, if any. */
  public Optional<String> match(byte[] address) {
    for (Block b : blocks) {
      if (b.contains(address)) {
        return Optional.of(b.text);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return blocks.stream().map(Block::text).toList().toString();
  }
}
