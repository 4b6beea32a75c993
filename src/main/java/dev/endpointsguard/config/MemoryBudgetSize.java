package dev.endpointsguard.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configured heap budget for large admission bodies: a fixed size, or a share of the maximum
 * heap that is resolved when the process knows its heap.
 */
public record MemoryBudgetSize(long bytes, int percentOfHeap) {

  /** Smallest budget that still admits one large body. */
  public static final long MIN_BYTES = 256 * 1024;

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([KMG]I?)?B?");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,2})\\s*%");

  public long resolve(long maxHeap) {
    return percentOfHeap > 0 ? maxHeap / 100 * percentOfHeap : bytes;
  }

  /**
   * Parses a size ({@code 128M}, {@code 1Gi}, bytes without a unit) or a share of the heap ({@code
   * 50%}).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static MemoryBudgetSize parse(String text) {
    String value = text.trim().toUpperCase(Locale.ROOT);
    Matcher percent = PERCENT.matcher(value);
    if (percent.matches() && Integer.parseInt(percent.group(1)) >= 1) {
      return new MemoryBudgetSize(0, Integer.parseInt(percent.group(1)));
    }
    Matcher size = SIZE.matcher(value);
    if (size.matches()) {
      long number = Long.parseLong(size.group(1));
      String unit = size.group(2) == null ? "" : size.group(2).substring(0, 1);
      long bytes =
          switch (unit) {
            case "K" -> number << 10;
            case "M" -> number << 20;
            case "G" -> number << 30;
            default -> number;
          };
      if (bytes >= MIN_BYTES) {
        return new MemoryBudgetSize(bytes, 0);
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a heap budget; use a size of at least 256K (e.g. 128M, 1G) or a share of the"
            + " maximum heap from 1% to 99% (e.g. 50%)");
  }
}
