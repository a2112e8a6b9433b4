package dev.retrievals.core.safetensors;

import dev.retrievals.core.RetrievalsException;

/** A file is not a valid safetensors file; the message names the file, the tensor and what was expected. */
public class SafetensorsFormatException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the file, the tensor and what was expected. */
    public SafetensorsFormatException(String message) {
        super(message);
    }

    /** An error with a message and the lower-level cause. */
    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
