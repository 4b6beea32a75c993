package dev.endpointsguard.rules;

/** Admission operations as the API server names them. */
public enum Operation {
  CREATE,
  UPDATE,
  DELETE,
  CONNECT;

  public static Operation parse(String value) {
    for (Operation op : values()) {
      if (op.name().equals(value)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown operation '" + value + "'");
  }
}
