package dev.retrievals.spark;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The base of the {@code spark-submit} jobs: picocli reads the options (named as the
 * {@code retrievals} command's), {@link #run(SparkSession)} does the work in the session
 * {@code spark-submit} configured (or the active one), and any failure, on the driver or in a
 * task, is printed as one line with exit code 2.
 */
abstract class SparkJob implements Callable<Integer> {
    /** The exit code of bad input or options. */
    static final int USAGE = 2;

    /** Does the work. */
    protected abstract void run(SparkSession spark);

    @Override
    public final Integer call() {
        boolean ownSession = SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSession.builder().appName(getClass().getSimpleName()).getOrCreate();
        try {
            run(spark);
            return 0;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    /** Runs {@code job} with {@code args}; returns the exit code. */
    static int execute(SparkJob job, String[] args, PrintWriter err) {
        String name = job.getClass().getSimpleName();
        CommandLine commandLine = new CommandLine(job).setErr(err);
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            err.println(name + ": " + ex.getMessage());
            err.flush();
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, line, parsed) -> {
            err.println(name + ": " + SparkErrors.oneLine(ex));
            err.flush();
            return USAGE;
        });
        return commandLine.execute(args);
    }

    /** Runs {@code job} as a program: exits with the exit code when it is not 0. */
    static void main(SparkJob job, String[] args) {
        int code = execute(job, args, new PrintWriter(System.err, true));
        if (code != 0) {
            System.exit(code);
        }
    }
}
