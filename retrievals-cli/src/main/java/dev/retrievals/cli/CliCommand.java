package dev.retrievals.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every subcommand: picocli fills the annotated options, then {@link #run()} does the
 * work and returns the exit code. A new subcommand is one such class, listed in
 * {@link RetrievalsCommand}'s {@code subcommands}; it inherits {@code --help}, {@code --version}
 * and {@code --verbose}, and its errors are printed as one line by {@link OneLineErrors}.
 */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Does the command's work; throws {@link UsageException} for a mistake of the caller. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    /** Where results go (standard output, UTF-8). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's name, for messages. */
    protected String name() {
        return spec.name();
    }
}
