package dev.retrievals.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Opens the input of a dataset afresh for each pass. */
@FunctionalInterface
interface StreamOpener {

    /** A new stream positioned at the start. */
    InputStream open();

    /** Opens a file, failing with its path when it is absent or unreadable. */
    static StreamOpener of(Path file) {
        return () -> {
            try {
                return Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException("Dataset file " + file + " does not exist", e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open dataset file " + file + ": " + e.getMessage(), e);
            }
        };
    }

    /** Opens a caller's stream supplier, naming {@code name} in errors. */
    static StreamOpener of(String name, Callable<? extends InputStream> supplier) {
        return () -> {
            try {
                return supplier.call();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open " + name + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot open " + name + ": " + e.getMessage(), e);
            }
        };
    }
}
