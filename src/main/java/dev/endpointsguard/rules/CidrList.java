package dev.endpointsguard.rules;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An ordered list of CIDR blocks, each kept with the text it was written as, for containment tests. */
public final class CidrList {

    private record Block(String text, IPAddress block) {
    }

    private final List<Block> blocks;

    private CidrList(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static CidrList empty() {
        return new CidrList(List.of());
    }

    /**
     * Parses CIDRs such as {@code 10.0.0.0/8} or {@code fd00:ec2::254/128}; a bare address counts as a single-host block.
     *
     * @throws IllegalArgumentException naming the first entry that is not a CIDR
     */
    public static CidrList parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : cidrs) {
            String text = raw.trim();
            if (text.isEmpty()) {
                continue;
            }
            try {
                IPAddress address = new IPAddressString(text).toAddress();
                if (address == null || (!text.contains("/") && address.isMultiple())) {
                    throw new AddressStringException(text);
                }
                blocks.add(new Block(text, address.toPrefixBlock()));
            } catch (AddressStringException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected e.g. 10.0.0.0/8 or fd00::/8)");
            }
        }
        return new CidrList(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The first block (as written) that contains the address, if any. */
    public Optional<String> match(IPAddress address) {
        for (Block b : blocks) {
            if (b.block.getIPVersion() == address.getIPVersion() && b.block.contains(address)) {
                return Optional.of(b.text);
            }
        }
        return Optional.empty();
    }

    public CidrList plus(CidrList other) {
        List<Block> all = new ArrayList<>(blocks);
        all.addAll(other.blocks);
        return new CidrList(all);
    }

    @Override
    public String toString() {
        return blocks.stream().map(Block::text).toList().toString();
    }
}
