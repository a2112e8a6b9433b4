package dev.retrievals.core.process;

import dev.retrievals.core.RetrievalsException;

/** A {@link ChildProcess} passed its deadline (and was destroyed), or the wait for it was interrupted. */
public class ChildProcessTimeoutException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error naming the process and its deadline. */
    public ChildProcessTimeoutException(String message) {
        super(message);
    }

    /** An error naming the process, with the cause (an interruption). */
    public ChildProcessTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
