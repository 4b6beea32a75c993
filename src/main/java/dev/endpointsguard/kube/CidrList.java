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

  /**
   * One block: network bytes, prefix length, and the text shown to users. The network and its mask
   * are also kept as two longs (an IPv4 address in the low one), so that containment is two masked
   * comparisons: it runs for every block and every address of every review.
   */
  public static final class Block {
    private final String text;
    private final byte[] network;
    private final int prefix;
    private final long high;
    private final long low;
    private final long maskHigh;
    private final long maskLow;

    public Block(String text, byte[] network, int prefix) {
      this.text = text;
      this.network = network.clone();
      this.prefix = prefix;
      this.maskHigh = mask(network.length, prefix, true);
      this.maskLow = mask(network.length, prefix, false);
      this.high = high(network) & maskHigh;
      this.low = low(network) & maskLow;
    }

    public String text() {
      return text;
    }

    public byte[] network() {
      return network.clone();
    }

    public int prefix() {
      return prefix;
    }

    public boolean contains(byte[] address) {
      return contains(Bits.of(address));
    }

    public boolean contains(Bits address) {
      return address.length() == network.length
          && (address.high() & maskHigh) == high
          && (address.low() & maskLow) == low;
    }

    static long high(byte[] address) {
      return address.length == 16 ? bits(address, 0, 8) : 0;
    }

    static long low(byte[] address) {
      return address.length == 16 ? bits(address, 8, 16) : bits(address, 0, address.length);
    }

    private static long bits(byte[] address, int from, int to) {
      long value = 0;
      for (int i = from; i < to; i++) {
        value = (value << 8) | (address[i] & 0xff);
      }
      return value;
    }

    /** The mask of one half: IPv4 lives in the low 32 bits, IPv6's first 64 bits are the high. */
    private static long mask(int length, int prefix, boolean highHalf) {
      if (length == 4) {
        return highHalf ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
      }
      int bits = highHalf ? Math.min(prefix, 64) : Math.max(prefix - 64, 0);
      return bits == 0 ? 0 : -1L << (64 - bits);
    }
  }

  /**
   * An address as two longs (IPv4 in the low one), computed once and compared with every block.
   *
   * @param length 4 or 16
   */
  public record Bits(int length, long high, long low) {
    public static Bits of(byte[] address) {
      return new Bits(address.length, Block.high(address), Block.low(address));
    }
  }

  private final List<Block> blocks;

  /**
   * For each family, whether some block could hold an address with this first byte: most addresses
   * are in no block, and one array look-up tells so without comparing every block.
   */
  private final boolean[] v4FirstByte = new boolean[256];

  private final boolean[] v6FirstByte = new boolean[256];

  private CidrList(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
    for (Block b : this.blocks) {
      boolean[] table = b.network.length == 4 ? v4FirstByte : v6FirstByte;
      int first = b.network[0] & 0xff;
      int span = b.prefix >= 8 ? 1 : 1 << (8 - b.prefix);
      int from = first & ~(span - 1);
      for (int i = from; i < from + span; i++) {
        table[i] = true;
      }
    }
  }

  /** False when no block can contain the address; true means the blocks must be compared. */
  public boolean mayContain(Bits address) {
    int first =
        (int) ((address.length() == 4 ? address.low() >>> 24 : address.high() >>> 56) & 0xff);
    return (address.length() == 4 ? v4FirstByte : v6FirstByte)[first];
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
    return blocks.isEmpty() ? Optional.empty() : match(Bits.of(address));
  }

  /** The first block (as written) that contains the address, if any. */
  public Optional<String> match(Bits address) {
    if (!mayContain(address)) {
      return Optional.empty();
    }
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
