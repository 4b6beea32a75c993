package dev.endpointsguard.admission;

/**
 * The heap that large admission bodies may claim at once. Decoding a review costs up to about
 * {@link #HEAP_PER_BODY_BYTE} times its body in heap (a dense Endpoints of tiny addresses, measured
 * in docs/performance.md), so a handful of concurrent multi-MB bodies could exhaust a
 * container-sized heap. Each body of at least {@link #LARGE_BODY_BYTES} reserves its estimated cost
 * before it is read; small bodies, the API server's everyday traffic, never wait on the budget. A
 * large body is always admitted when no other one is in flight, so no body within the size limit is
 * refused on its own account.
 */
final class MemoryBudget {

  static final long LARGE_BODY_BYTES = 256 * 1024;
  static final long HEAP_PER_BODY_BYTE = 20;

  private final long capacity;
  private long reserved;

  MemoryBudget(long capacity) {
    this.capacity = capacity;
  }

  long capacity() {
    return capacity;
  }

  /**
   * The heap a body of this Content-Length may cost; 0 for small bodies; an unknown length (-1)
   * counts as the limit.
   */
  static long cost(long contentLength) {
    long length = contentLength < 0 ? AdmissionRoutes.MAX_BODY_BYTES : contentLength;
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
}
