package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;

/**
 * Turns a failed Spark job into the one line a person needs: the message of the first
 * {@link RetrievalsException} (or {@link IllegalArgumentException}) in the cause chain, which an
 * executor raised for bad input, rather than Spark's stage-failure report around it.
 */
public final class SparkErrors {
    private SparkErrors() {}

    /** The first retrievals or argument error's message in the chain, else the outermost message. */
    public static String oneLine(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetrievalsException || cause instanceof IllegalArgumentException) {
                return cause.getMessage();
            }
        }
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
