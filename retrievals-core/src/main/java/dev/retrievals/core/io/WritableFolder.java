package dev.retrievals.core.io;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any long work starts, that an output folder can be created and written to, so a
 * run that could never save its results fails in its first second rather than after hours.
 */
public final class WritableFolder {
    private WritableFolder() {}

    /**
     * Creates {@code folder} if needed and writes and deletes a probe file in it.
     *
     * @param what what the folder is for, named in the error (for example "output_dir")
     * @return the folder
     * @throws RetrievalsException naming the option, the folder and the system's reason when it cannot be written
     */
    public static Path require(Path folder, String what) {
        Path probe = null;
        try {
            Files.createDirectories(folder);
            probe = Files.createTempFile(folder, ".write-probe-", ".tmp");
            Files.write(probe, new byte[] {1});
            return folder;
        } catch (IOException | SecurityException e) {
            throw new RetrievalsException(what + " " + folder.toAbsolutePath() + " is not a folder that can be written to ("
                    + reason(e) + "); choose another " + what, e);
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // the probe is hidden and tiny; the folder itself was writable
                }
            }
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getFile() + ": " + fileSystem.getReason();
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException exists) {
            return exists.getFile() + " exists and is not a folder";
        }
        return e.toString();
    }
}
