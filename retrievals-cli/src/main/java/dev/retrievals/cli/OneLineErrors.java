package dev.retrievals.cli;

import dev.retrievals.core.RetrievalsException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every error as one line on standard error, {@code retrievals: ...}: exit code 2 for a mistake in
 * the call or its input (unknown command or option, with picocli's "did you mean" suggestion on the
 * same line; a missing option; a {@link UsageException} or {@link RetrievalsException}), 1 with
 * the stack trace after the line for anything unexpected.
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
    /** The exit code of an unexpected failure. */
    static final int UNEXPECTED = 1;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("retrievals: " + oneLine(describe(ex, args)));
        err.flush();
        return RetrievalsCommand.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Throwable failure = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        if (failure instanceof UsageException || failure instanceof RetrievalsException) {
            err.println("retrievals: " + oneLine(failure.getMessage()));
            err.flush();
            return RetrievalsCommand.USAGE;
        }
        err.println("retrievals: unexpected failure: " + oneLine(String.valueOf(failure)));
        failure.printStackTrace(err);
        err.flush();
        return UNEXPECTED;
    }

    /** The message of a parse error, phrased as the command's errors always were. */
    static String describe(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        String command = commandLine.getCommandName();
        String help = " (see 'retrievals" + (commandLine.getParent() == null ? "" : " " + command) + " --help')";
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            List<String> suggestions = unmatched.getSuggestions();
            if (first.startsWith("-")) {
                String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return "unknown option " + option + " for '" + command + "'" + didYouMean(suggestions) + help;
            }
            if (commandLine.getParent() == null) {
                return "unknown command '" + first + "'" + didYouMean(suggestions) + " (commands: "
                        + String.join(", ", commandLine.getSubcommands().keySet()) + ")";
            }
            return "unexpected argument '" + first + "' for '" + command + "'; options start with --" + help;
        }
        if (ex instanceof MissingParameterException missing) {
            // picocli checks required options before it reports unknown ones; the unknown option is the likelier mistake
            for (String arg : args) {
                String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (option.startsWith("--") && option.length() > 2 && !commandLine.getCommandSpec().optionsMap().containsKey(option)) {
                    return describe(new UnmatchedArgumentException(commandLine, List.of(arg)), args);
                }
            }
            return "'" + command + "' needs " + missing.getMissing().stream().map(OneLineErrors::label).collect(Collectors.joining(" and "))
                    + help;
        }
        return ex.getMessage() + help;
    }

    private static String label(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    private static String didYouMean(List<String> suggestions) {
        if (suggestions.isEmpty()) {
            return "";
        }
        List<String> shown = suggestions.subList(0, Math.min(3, suggestions.size()));
        return "; did you mean " + (shown.size() == 1 ? shown.get(0) : "one of " + String.join(", ", shown)) + "?";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
    }
}
