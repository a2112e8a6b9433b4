package dev.retrievals.trainer;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.loss.Loss;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named training set of a run: its rows, the collator that batches them and the loss its batches
 * train with. A run with several sets takes each optimizer step from one set
 * ({@link MultiDatasetBatchSampler}) and logs each set's loss as {@code loss/<name>}.
 *
 * @param name letters, digits, {@code _}, {@code -} or {@code .}; names files in checkpoints and keys in logs
 * @param dataset the rows
 * @param collator turns rows into batches
 * @param loss the loss of this set's batches
 */
public record TrainingSet(String name, Dataset dataset, Collator collator, Loss loss) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Checks that every part is there and that the name is usable in file names and log keys. */
    public TrainingSet {
        Objects.requireNonNull(name, "training set name");
        if (!NAME.matcher(name).matches()) {
            throw new RetrievalsException("training set name '" + name + "' must be letters, digits, '_', '-' or '.'");
        }
        requirePart(dataset, name, "dataset");
        requirePart(collator, name, "collator");
        requirePart(loss, name, "loss");
    }

    private static void requirePart(Object part, String name, String what) {
        if (part == null) {
            throw new RetrievalsException("training set '" + name + "' has no " + what);
        }
    }
}
