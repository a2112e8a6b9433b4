package dev.retrievals.core.spi;

import java.util.List;

/**
 * No plugin of the requested kind has the requested name. The message lists the names available,
 * the providers that failed to load, and says that a jar may be missing from the classpath.
 */
public final class UnknownPluginException extends PluginException {
    private static final long serialVersionUID = 1L;

    private final String kindId;
    private final String requestedName;
    private final List<String> availableNames;

    UnknownPluginException(
            PluginKind<?> kind, String requestedName, List<String> availableNames, List<PluginLoadFailure> failures) {
        super(message(kind, requestedName, availableNames, failures));
        this.kindId = kind.id();
        this.requestedName = requestedName;
        this.availableNames = List.copyOf(availableNames);
    }

    private static String message(
            PluginKind<?> kind, String name, List<String> available, List<PluginLoadFailure> failures) {
        StringBuilder text = new StringBuilder()
                .append("Unknown ").append(kind.id()).append(" '").append(name).append("'. ")
                .append(available.isEmpty()
                        ? "No " + kind.id() + " plugins are available"
                        : "Available " + kind.id() + " plugins: " + String.join(", ", available))
                .append(". If '").append(name).append("' comes from another jar, that jar may be missing from the classpath")
                .append(" (plugins are found through ServiceLoader as ").append(PluginProvider.class.getName()).append(").");
        if (!failures.isEmpty()) {
            text.append(" Providers that failed to load:");
            for (PluginLoadFailure failure : failures) {
                text.append(' ').append(failure.describe()).append(';');
            }
            text.setLength(text.length() - 1);
            text.append('.');
        }
        return text.toString();
    }

    /** The kind that was searched, for example {@code loss}. */
    public String kindId() {
        return kindId;
    }

    /** The name that was asked for. */
    public String requestedName() {
        return requestedName;
    }

    /** The canonical names that exist for the kind. */
    public List<String> availableNames() {
        return availableNames;
    }
}
