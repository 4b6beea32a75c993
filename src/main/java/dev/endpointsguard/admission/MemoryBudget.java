package dev.endpointsguard.admission;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap that large admission bodies may claim at once. Decoding a review costs up to about
 * {@link #HEAP_PER_BODY_BYTE} times its body in heap (a dense Endpoints of tiny addresses, measured in
 * docs/performance.md), so a handful of concurrent multi-MB bodies could exhaust a container-sized heap. Each body of
 * at least {@link #LARGE_BODY_BYTES} reserves its estimated cost before it is read; small bodies, the API server's
 * everyday traffic, never wait on the budget. A large body is always admitted when no other one is in flight, so no
 * body within the size limit is refused on its own account.
 */
final class MemoryBudget {

    static final long LARGE_BODY_BYTES = 256 * 1024;
    static final long HEAP_PER_BODY_BYTE = 20;
    static final String KEY = "endpoints-guard.admission.memory-budget";
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([KMG]I?)?B?");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,2})\\s*%");

    private final long capacity;
    private long reserved;

    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    /** The heap a body of this Content-Length may cost; 0 for small bodies; an unknown length (-1) counts as the limit. */
    static long cost(long contentLength) {
        long length = contentLength < 0 ? AdmissionResource.MAX_BODY_BYTES : contentLength;
        return length < LARGE_BODY_BYTES ? 0 : length * HEAP_PER_BODY_BYTE;
    }

    /** Claims the cost if it fits, or if nothing else is claimed; a cost of 0 always fits. */
    synchronized boolean tryReserve(long cost) {
        if (cost == 0) {
            return true;
        }
        if (reserved > 0 && reserved + cost > capacity) {
            return false;
        }
        reserved += cost;
        return true;
    }

    synchronized void release(long cost) {
        reserved = Math.max(0, reserved - cost);
    }

    synchronized long reserved() {
        return reserved;
    }

    /**
     * Parses the configured budget: a size ({@code 128M}, {@code 1Gi}, bytes without a unit) or a share of the
     * maximum heap ({@code 50%}).
     *
     * @throws IllegalArgumentException naming the key, the value and the accepted forms
     */
    static long parse(String text, long maxHeap) {
        String value = text.trim().toUpperCase(Locale.ROOT);
        Matcher percent = PERCENT.matcher(value);
        if (percent.matches()) {
            int share = Integer.parseInt(percent.group(1));
            if (share >= 1) {
                return maxHeap / 100 * share;
            }
        }
        Matcher size = SIZE.matcher(value);
        if (size.matches()) {
            long number = Long.parseLong(size.group(1));
            String unit = size.group(2) == null ? "" : size.group(2).substring(0, 1);
            long bytes = switch (unit) {
                case "K" -> number << 10;
                case "M" -> number << 20;
                case "G" -> number << 30;
                default -> number;
            };
            if (bytes >= LARGE_BODY_BYTES) {
                return bytes;
            }
        }
        throw new IllegalArgumentException(KEY + ": '" + text + "' is not a heap budget; use a size of at least 256K"
                + " (e.g. 128M, 1G) or a share of the maximum heap from 1% to 99% (e.g. 50%)");
    }
}
