package dev.retrievals.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code retrievals} command and the one list of its subcommands. Options and attributes
 * marked {@link ScopeType#INHERIT} ({@code --help}, {@code --version}, {@code --verbose}) apply to
 * every subcommand.
 */
@Command(name = "retrievals", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionProvider.class,
        description = "Fine-tune, evaluate, export and serve text-embedding models and rerankers on the JVM.",
        footer = {"", "Exit codes: 0 success; 2 a usage or input error, told in one line on standard error; 1 an unexpected"
            + " failure; 130 or 143 interrupted (Ctrl-C or SIGTERM)."},
        subcommands = {InfoCommand.class, TrainCommand.class, EvaluateCommand.class, EncodeCommand.class, MineCommand.class,
            ExportCommand.class, RerankCommand.class, MergeCommand.class, ReportCommand.class, CompletionCommand.class, HelpCommand.class})
final class RetrievalsCommand implements Callable<Integer> {
    /** The exit code of a usage error. */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Also show the engines' log lines (DJL, PyTorch, ONNX Runtime) and debug details.")
    boolean verbose;

    /** Without a subcommand: the usage, and the exit code of a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** The parser for the whole command, writing to {@code out} and {@code err}. */
    static CommandLine create(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new RetrievalsCommand());
        OneLineErrors errors = new OneLineErrors();
        cli.setOut(out).setErr(err).setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors)
                .setExecutionStrategy(parseResult -> {
                    CliLogging.configure(CliLogging.verboseRequested(parseResult));
                    return new CommandLine.RunLast().execute(parseResult);
                });
        return cli;
    }
}
