package dev.retrievals.core.loss;

import dev.retrievals.core.RetrievalsException;

/**
 * A loss was configured with options that are each valid but do not go together (for example a
 * symmetric term without in-batch negatives), or a stateful loss was used out of order (its
 * parameters read before it was initialized). Single out-of-range values are reported by the
 * option's own check ({@link dev.retrievals.core.spi.InvalidOptionException}).
 */
public class LossConfigurationException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the options (or the call) and what is allowed. */
    public LossConfigurationException(String message) {
        super(message);
    }
}
