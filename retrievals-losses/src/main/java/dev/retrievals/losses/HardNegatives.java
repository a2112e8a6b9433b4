package dev.retrievals.losses;

import java.util.Locale;

/**
 * Which hard negatives a query is compared with. Negatives arrive as {@code [batch * n, dim]},
 * query-major: rows {@code i*n … i*n+n-1} were mined for query {@code i}.
 */
public enum HardNegatives {
    /** Every query is compared with every negative of the batch (one shared pool of any size). */
    SHARED,
    /** Query {@code i} is compared only with its own {@code n} negatives (rows must be a multiple of the batch). */
    OWN;

    /** The option value, {@code shared} or {@code own}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for an option value. */
    public static HardNegatives fromOption(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
