package dev.retrievals.core.loss;

import dev.retrievals.core.RetrievalsException;

/**
 * A loss got inputs it cannot use: a missing role, an array of the wrong shape or type, labels out
 * of range, or a count that does not match the batch. The message says what was expected and what
 * came.
 */
public class LossInputException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the role, the expected shape and the shape given. */
    public LossInputException(String message) {
        super(message);
    }
}
