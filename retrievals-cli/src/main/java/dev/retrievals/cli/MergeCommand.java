package dev.retrievals.cli;

import dev.retrievals.pytorch.ModelMerging;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code retrievals merge --base M --tuned T --ratio R --output DIR}: LM-Cocktail weight averaging,
 * every tensor {@code R · tuned + (1 − R) · base}, saved as a model folder with the tuned model's
 * tokenizer, pooling and prompts (see {@link ModelMerging}).
 */
@Command(name = "merge", description = "Average a fine-tuned model's weights with its base (LM-Cocktail): every tensor becomes"
        + " ratio * tuned + (1 - ratio) * base; the output keeps the tuned model's tokenizer, pooling and prompts.")
final class MergeCommand extends CliCommand {
    @Option(names = "--base", required = true, paramLabel = "ID|PATH", description = "The base model: a bundled name, a model folder or a run folder.")
    String base;

    @Option(names = "--tuned", required = true, paramLabel = "ID|PATH", description = "The fine-tuned model (same forms as --base).")
    String tuned;

    @Option(names = "--ratio", required = true, paramLabel = "R", description = "Weight of the tuned model, 0 to 1 (1 keeps it, 0 gives the base).")
    double ratio;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write (created, or replaced if it holds a model).")
    Path output;

    @Override
    protected int run() {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new UsageException("--ratio is " + ratio + "; expected a number from 0 to 1 (the weight of the tuned model)");
        }
        ModelMerging.merge(base, tuned, ratio, output);
        out().println("merged " + ratio + " x " + tuned + " + " + (1 - ratio) + " x " + base + " -> " + output.toAbsolutePath().normalize());
        return 0;
    }
}
