package dev.endpointsguard.rules;

/**
 * A field path such as {@code subsets[0].addresses[12].ip}, rendered only when a finding needs it:
 * most addresses raise none, and building a path string for each of them would cost more than
 * judging the address.
 *
 * @param list the path of the list, e.g. {@code subsets[0].addresses}
 * @param index the element's index in it
 * @param leaf what follows the element, e.g. {@code .ip}, or {@code ""}
 */
record FieldPath(String list, int index, String leaf) {

  /** The same element, another field of it. */
  FieldPath leaf(String other) {
    return new FieldPath(list, index, other);
  }

  @Override
  public String toString() {
    return list + "[" + index + "]" + leaf;
  }
}
