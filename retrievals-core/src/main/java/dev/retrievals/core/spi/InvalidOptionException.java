package dev.retrievals.core.spi;

/** An option key that the plugin does not know, or a value of the wrong type or out of range. */
public final class InvalidOptionException extends PluginException {
    private static final long serialVersionUID = 1L;

    private final String option;

    InvalidOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** The option's name as given by the caller. */
    public String option() {
        return option;
    }
}
