package dev.retrievals.cli;

import dev.retrievals.core.RetrievalsException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code retrievals} command: {@code train}, {@code evaluate}, {@code encode}, {@code export}
 * and {@code info}. Exit codes: 0 on success, 2 for a user error (one line on standard error,
 * starting {@code retrievals: }), 1 for an unexpected failure.
 */
public final class Main {
    private static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "info", new InfoCommand(),
            "train", new TrainCommand(),
            "evaluate", new EvaluateCommand(),
            "encode", new EncodeCommand(),
            "export", new ExportCommand()));

    private Main() {}

    /** A subcommand. */
    interface Command {
        /** One line for the usage text. */
        String summary();

        /** Runs with the arguments after the subcommand's name; returns the exit code. */
        int run(String[] args, PrintStream out) throws Exception;
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("retrievals: unknown command '" + args[0] + "'; commands: " + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length), out);
        } catch (UsageException | RetrievalsException e) {
            err.println("retrievals: " + oneLine(e.getMessage()));
            return 2;
        } catch (Exception e) {
            err.println("retrievals: unexpected failure: " + oneLine(String.valueOf(e)));
            e.printStackTrace(err);
            return 1;
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
    }

    static String usage() {
        StringBuilder text = new StringBuilder("usage: retrievals <command> [options]\n\ncommands:\n");
        COMMANDS.forEach((name, command) -> text.append(String.format("  %-9s %s%n", name, command.summary())));
        return text.toString().stripTrailing();
    }
}
