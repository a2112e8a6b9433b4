package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Finds a model on an executor: a path it can read (a shared file system, or a local path in
 * local mode), else a file or folder shipped to every executor with {@code --files} or
 * {@code SparkContext.addFile(path, true)}, found by its name through {@link SparkFiles}.
 */
public final class ModelLocation {
    private ModelLocation() {}

    /** The local path of {@code model}; fails naming both places looked at. */
    public static Path resolve(String model) {
        Path direct = Path.of(model);
        if (Files.exists(direct)) {
            return direct;
        }
        String shippedRoot = null;
        try {
            shippedRoot = SparkFiles.getRootDirectory();
            Path shipped = Path.of(SparkFiles.get(direct.getFileName().toString()));
            if (Files.exists(shipped)) {
                return shipped;
            }
        } catch (RuntimeException e) {
            // no SparkContext or SparkEnv in this JVM: only the direct path counts
        }
        throw new RetrievalsException("Model '" + model + "' is neither a path on this executor nor a file shipped with --files or"
                + " SparkContext.addFile" + (shippedRoot == null ? "" : " (looked in " + shippedRoot + ")")
                + "; expected an ONNX model folder on a shared file system, or ship it");
    }
}
