package dev.retrievals.core.spi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deprecation warnings of this JVM (a former option name used, for example), each issued once:
 * logged through SLF4J as a warning and kept in order, so a caller or a test can read them without a
 * logging backend.
 */
public final class DeprecationWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(DeprecationWarnings.class);
    private static final Set<String> ISSUED = new LinkedHashSet<>();
    /** Every line logged, in order (each once unless the deduplication fails). */
    private static final List<String> LOGGED = new ArrayList<>();

    private DeprecationWarnings() {}

    /** Logs {@code line} as a warning unless this JVM issued the same line before; true when it is logged now. */
    public static boolean warnOnce(String line) {
        synchronized (ISSUED) {
            if (!ISSUED.add(line)) {
                return false;
            }
            LOGGED.add(line);
        }
        LOG.warn(line);
        return true;
    }

    /** The lines logged so far, oldest first. */
    public static List<String> issued() {
        synchronized (ISSUED) {
            return List.copyOf(LOGGED);
        }
    }
}
