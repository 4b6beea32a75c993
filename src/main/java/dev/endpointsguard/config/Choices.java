package dev.endpointsguard.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case spelling of an enum constant, as configuration values are written. */
final class Choices {

    private Choices() {
    }

    /** @throws IllegalArgumentException {@code '<value>' is not a <what>; use a, b or c} */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value.trim())) {
                    return constant;
                }
            }
        }
        String[] ids = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        String choices = Arrays.stream(ids, 0, ids.length - 1).collect(Collectors.joining(", ")) + " or " + ids[ids.length - 1];
        throw new IllegalArgumentException("'" + value + "' is not a " + what + "; use " + choices);
    }
}
