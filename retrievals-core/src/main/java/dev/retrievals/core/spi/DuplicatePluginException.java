package dev.retrievals.core.spi;

/** Two providers of one kind claim the same name (or alias); the message names both classes. */
public final class DuplicatePluginException extends PluginException {
    private static final long serialVersionUID = 1L;

    DuplicatePluginException(PluginKind<?> kind, String name, Class<?> first, Class<?> second) {
        super("Two " + kind.id() + " plugins are named '" + name + "': " + first.getName() + " and "
                + second.getName() + ". Remove one of the jars or rename one plugin.");
    }
}
