package dev.retrievals.core;

/** Base of every error this project throws on purpose: the message always says what was expected. */
public class RetrievalsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message that names the cause and what was expected. */
    public RetrievalsException(String message) {
        super(message);
    }

    /** An error with a message and the lower-level cause. */
    public RetrievalsException(String message, Throwable cause) {
        super(message, cause);
    }
}
