package dev.retrievals.core.onnx;

import dev.retrievals.core.RetrievalsException;

/** A file or stream is not a valid ONNX model, or uses a feature this reader does not support. */
public class OnnxFormatException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the source, the place in it and what was expected. */
    public OnnxFormatException(String message) {
        super(message);
    }

    /** An error with a message and the lower-level cause. */
    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
