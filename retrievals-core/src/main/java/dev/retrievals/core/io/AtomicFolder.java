package dev.retrievals.core.io;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes a folder so it appears complete or not at all: the contents go into a hidden sibling
 * ({@code .<name>.partial-*}), which is then renamed to the target. An existing target is moved
 * aside first and deleted only after the new folder is in place, so a failure never loses it.
 */
public final class AtomicFolder {
    private AtomicFolder() {}

    /** Fills a folder. */
    @FunctionalInterface
    public interface Contents {
        /** Writes everything into {@code folder}, which exists and is empty. */
        void writeTo(Path folder) throws IOException;
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws RetrievalsException naming the target when anything fails; nothing half-written remains
     */
    public static void write(Path target, Contents contents) {
        Path folder = target.toAbsolutePath().normalize();
        Path temporary = null;
        try {
            Files.createDirectories(folder.getParent());
            temporary = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".partial-");
            contents.writeTo(temporary);
            replace(temporary, folder);
            temporary = null;
        } catch (IOException | RuntimeException e) {
            String cause = e instanceof RetrievalsException ? e.getMessage() : e.toString();
            throw new RetrievalsException("Cannot write " + folder + ": " + cause, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    private static void replace(Path fresh, Path folder) throws IOException {
        Path previous = null;
        if (Files.exists(folder)) {
            previous = folder.resolveSibling("." + folder.getFileName() + ".previous-" + System.nanoTime());
            move(folder, previous);
        }
        try {
            move(fresh, folder);
        } catch (IOException e) {
            if (previous != null) {
                move(previous, folder);
            }
            throw e;
        }
        if (previous != null) {
            deleteQuietly(previous);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder and everything in it; a missing folder is fine. */
    public static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a folder, ignoring failures (for hidden leftovers that are harmless). */
    public static void deleteQuietly(Path folder) {
        try {
            deleteRecursively(folder);
        } catch (IOException ignored) {
            // best effort: leftovers are hidden and named .partial or .previous
        }
    }
}
