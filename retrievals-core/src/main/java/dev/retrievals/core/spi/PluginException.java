package dev.retrievals.core.spi;

import dev.retrievals.core.RetrievalsException;

/** An error in finding, loading or configuring a plugin. */
public class PluginException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** An error with a message that names the kind, the plugin and what was expected. */
    public PluginException(String message) {
        super(message);
    }

    /** An error with a message and the lower-level cause. */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
