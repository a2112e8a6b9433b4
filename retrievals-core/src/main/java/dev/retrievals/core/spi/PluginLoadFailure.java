package dev.retrievals.core.spi;

/**
 * A provider that {@link java.util.ServiceLoader} listed but that could not be loaded or
 * instantiated. The registry keeps working without it and reports it.
 *
 * @param provider the provider's class name, or what the service file said when the class is unknown
 * @param cause what went wrong
 */
public record PluginLoadFailure(String provider, Throwable cause) {

    /** {@code class: cause} in one line, for messages. */
    public String describe() {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return provider + " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}
