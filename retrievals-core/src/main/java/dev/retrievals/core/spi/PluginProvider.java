package dev.retrievals.core.spi;

import java.util.List;

/**
 * The service interface of every plugin. Implementations are found through
 * {@link java.util.ServiceLoader} (annotate them with
 * {@code @AutoService(PluginProvider.class)}); a provider from a third-party jar works exactly like
 * a built-in one.
 *
 * <p>Providers must be cheap to construct: no native libraries, no files, no network. Heavy work
 * belongs in {@link #create(Options)}.
 *
 * @param <T> the type of plugin this provider creates
 */
public interface PluginProvider<T> {

    /** The kind of plugin, for example {@link PluginKinds#LOSS}. */
    PluginKind<T> kind();

    /** The canonical name: lower snake case, unique within the kind (for example {@code infonce}). */
    String name();

    /** Other names that find this plugin (lower snake case too); none by default. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line that says what the plugin does, shown by {@code retrievals info}. */
    String description();

    /** The options this plugin accepts, with their defaults and allowed ranges. */
    default OptionSet options() {
        return OptionSet.empty();
    }

    /**
     * Creates the plugin.
     *
     * @param options values already checked against {@link #options()}
     */
    T create(Options options);
}
