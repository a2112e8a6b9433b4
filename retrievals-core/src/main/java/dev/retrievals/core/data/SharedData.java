package dev.retrievals.core.data;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the shared datasets live (the {@code shared/data} folder beside the checkout), for tests,
 * benchmarks and examples: the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENVIRONMENT}, else the first {@code shared/data} found beside the working directory or
 * one of its parents (so a module's tests, run from the module folder, and the root find the same).
 */
public final class SharedData {
    /** The system property that names the folder. */
    public static final String PROPERTY = "retrievals.data.dir";
    /** The environment variable that names the folder. */
    public static final String ENVIRONMENT = "RETRIEVALS_DATA_DIR";

    private SharedData() {}

    /** The folder, if it is configured or can be found. */
    public static Optional<Path> folderIfPresent() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENVIRONMENT);
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data");
            if (dir.getParent() != null && Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The folder; an error says how to set it when it is neither configured nor found. */
    public static Path folder() {
        return folderIfPresent().orElseThrow(() -> new RetrievalsException("The shared datasets were not found: set -D" + PROPERTY
                + "=DIR or " + ENVIRONMENT + "=DIR (no shared/data beside " + Path.of("").toAbsolutePath() + " or its parents)"));
    }

    /** A file or folder inside the shared datasets, e.g. {@code resolve("scifact/corpus.jsonl")}. */
    public static Path resolve(String relative) {
        return folder().resolve(relative);
    }
}
