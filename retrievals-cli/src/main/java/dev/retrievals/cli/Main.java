package dev.retrievals.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code retrievals} command (see {@link RetrievalsCommand} for its subcommands). Exit codes: 0
 * on success, 2 for a user error (one line on standard error, starting {@code retrievals: }), 1 for
 * an unexpected failure, 130/143 after Ctrl-C/SIGTERM during training.
 */
public final class Main {
    private Main() {}

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // the training report draws charts without a display
        }
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter stderr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return RetrievalsCommand.create(stdout, stderr).execute(args);
        } finally {
            stdout.flush();
            stderr.flush();
        }
    }
}
