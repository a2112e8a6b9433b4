package dev.retrievals.trainer.eval;

import dev.retrievals.core.spi.OptionSpec;

/** Options every evaluator takes. */
final class CommonOptions {
    /** Texts handed to the encoder per call. */
    static final OptionSpec<Integer> BATCH_SIZE =
            OptionSpec.ofInt("batch_size", 64, "texts handed to the encoder per call (bounds memory)").atLeast(1);
    /** Whether encoding draws progress bars. */
    static final OptionSpec<Boolean> SHOW_PROGRESS_BAR =
            OptionSpec.ofBoolean("show_progress_bar", false, "draw a progress bar while encoding");

    private CommonOptions() {}

    /** A row limit: 0 for all rows. */
    static OptionSpec<Integer> rowLimit(String name, String what) {
        return OptionSpec.ofInt(name, 0, "read at most this many " + what + " (0: all), for quick runs").atLeast(0);
    }
}
