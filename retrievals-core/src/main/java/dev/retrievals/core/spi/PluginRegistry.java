package dev.retrievals.core.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugins by kind and name. One registry serves every kind (losses, poolings, collators,
 * architectures, schedules, evaluators and any kind a third party declares).
 *
 * <ul>
 *   <li>Names match case-insensitively; canonical names are lower snake case.</li>
 *   <li>An unknown name throws {@link UnknownPluginException} listing what is available.</li>
 *   <li>Two providers with one name in one kind throw {@link DuplicatePluginException} when the
 *       registry is built.</li>
 *   <li>A provider that cannot be loaded or instantiated is skipped, logged, kept in
 *       {@link #failures()}, and named again in later unknown-name errors.</li>
 * </ul>
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final int MAX_CONSECUTIVE_ERRORS = 1_000;

    private static volatile PluginRegistry global;

    /** Kind id, then lower-case name or alias, to provider. */
    private final Map<String, Map<String, PluginProvider<?>>> byKind = new TreeMap<>();
    private final Map<String, PluginKind<?>> kinds = new TreeMap<>();
    private final List<PluginLoadFailure> failures;

    private PluginRegistry(List<PluginProvider<?>> providers, List<PluginLoadFailure> failures) {
        List<PluginLoadFailure> allFailures = new ArrayList<>(failures);
        for (PluginProvider<?> provider : providers) {
            try {
                register(provider);
            } catch (DuplicatePluginException duplicate) {
                throw duplicate;
            } catch (RuntimeException broken) {
                allFailures.add(new PluginLoadFailure(provider.getClass().getName(), broken));
                LOG.warn("Plugin provider {} is skipped: {}", provider.getClass().getName(), broken.toString());
            }
        }
        this.failures = List.copyOf(allFailures);
    }

    /** The registry of the application's class path, loaded once on first use. */
    public static PluginRegistry global() {
        PluginRegistry registry = global;
        if (registry == null) {
            synchronized (PluginRegistry.class) {
                registry = global;
                if (registry == null) {
                    ClassLoader loader = Thread.currentThread().getContextClassLoader();
                    registry = load(loader != null ? loader : PluginRegistry.class.getClassLoader());
                    global = registry;
                }
            }
        }
        return registry;
    }

    /** Loads every {@link PluginProvider} that {@link ServiceLoader} finds through {@code loader}. */
    @SuppressWarnings("rawtypes")
    public static PluginRegistry load(ClassLoader loader) {
        List<PluginProvider<?>> providers = new ArrayList<>();
        List<PluginLoadFailure> failures = new ArrayList<>();
        Iterator<ServiceLoader.Provider<PluginProvider>> found =
                ServiceLoader.load(PluginProvider.class, loader).stream().iterator();
        int consecutiveErrors = 0;
        while (consecutiveErrors < MAX_CONSECUTIVE_ERRORS) {
            ServiceLoader.Provider<PluginProvider> candidate;
            try {
                if (!found.hasNext()) {
                    break;
                }
                candidate = found.next();
            } catch (ServiceConfigurationError unloadable) {
                consecutiveErrors++;
                failures.add(new PluginLoadFailure(providerNamedIn(unloadable), unloadable));
                LOG.warn("A plugin provider could not be loaded: {}", unloadable.getMessage());
                continue;
            }
            consecutiveErrors = 0;
            try {
                providers.add(candidate.get());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError broken) {
                failures.add(new PluginLoadFailure(candidate.type().getName(), broken));
                LOG.warn("Plugin provider {} could not be created: {}", candidate.type().getName(), broken.toString());
            }
        }
        return new PluginRegistry(providers, failures);
    }

    /** A registry of the given providers only, without ServiceLoader (for embedding and tests). */
    public static PluginRegistry of(List<? extends PluginProvider<?>> providers) {
        return new PluginRegistry(List.copyOf(providers), List.of());
    }

    private static String providerNamedIn(ServiceConfigurationError error) {
        String message = String.valueOf(error.getMessage());
        int marker = message.indexOf("Provider ");
        if (marker >= 0) {
            String rest = message.substring(marker + "Provider ".length());
            int end = rest.indexOf(' ');
            return end > 0 ? rest.substring(0, end) : rest;
        }
        return message;
    }

    private void register(PluginProvider<?> provider) {
        PluginKind<?> kind = Objects.requireNonNull(provider.kind(), "kind() returned null");
        String name = provider.name();
        List<String> names = new ArrayList<>();
        names.add(name);
        names.addAll(provider.aliases());
        for (String each : names) {
            if (each == null || !NAME.matcher(each).matches()) {
                throw new IllegalArgumentException("plugin name '" + each + "' is not lower snake case ([a-z][a-z0-9_]*)");
            }
        }
        Objects.requireNonNull(provider.description(), "description() returned null");
        Objects.requireNonNull(provider.options(), "options() returned null");
        Map<String, PluginProvider<?>> ofKind = byKind.computeIfAbsent(kind.id(), id -> new LinkedHashMap<>());
        for (String each : names) {
            PluginProvider<?> previous = ofKind.get(each);
            if (previous != null) {
                throw new DuplicatePluginException(kind, each, previous.getClass(), provider.getClass());
            }
        }
        for (String each : names) {
            ofKind.put(each, provider);
        }
        kinds.putIfAbsent(kind.id(), kind);
    }

    /**
     * The provider of a plugin.
     *
     * @throws UnknownPluginException naming the names available and the failed providers
     */
    @SuppressWarnings("unchecked")
    public <T> PluginProvider<T> provider(PluginKind<T> kind, String name) {
        Objects.requireNonNull(kind, "kind");
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        PluginProvider<?> provider = byKind.getOrDefault(kind.id(), Map.of()).get(key);
        if (provider == null) {
            throw new UnknownPluginException(kind, String.valueOf(name), names(kind), failures);
        }
        return (PluginProvider<T>) provider;
    }

    /** Whether a plugin of this kind has this name or alias. */
    public boolean contains(PluginKind<?> kind, String name) {
        return name != null && byKind.getOrDefault(kind.id(), Map.of()).containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    /** Creates a plugin with its default options. */
    public <T> T create(PluginKind<T> kind, String name) {
        return create(kind, name, Map.of());
    }

    /**
     * Creates a plugin from options.
     *
     * @param options option name to value: text (as from a command line) or a value of the
     *     option's Java type
     * @throws UnknownPluginException for an unknown name
     * @throws InvalidOptionException for an unknown key or a bad value, naming both
     */
    public <T> T create(PluginKind<T> kind, String name, Map<String, ?> options) {
        PluginProvider<T> provider = provider(kind, name);
        Options checked = provider.options().parse(options, describe(provider));
        T plugin = provider.create(checked);
        if (!kind.type().isInstance(plugin)) {
            throw new PluginException(describe(provider) + " (" + provider.getClass().getName() + ") created "
                    + (plugin == null ? "null" : plugin.getClass().getName()) + ", not a " + kind.type().getName());
        }
        return plugin;
    }

    /** The providers of one kind, one per plugin, sorted by canonical name. */
    @SuppressWarnings("unchecked")
    public <T> List<PluginProvider<T>> providers(PluginKind<T> kind) {
        List<PluginProvider<T>> unique = new ArrayList<>();
        for (PluginProvider<?> provider : byKind.getOrDefault(kind.id(), Map.of()).values()) {
            if (!unique.contains(provider)) {
                unique.add((PluginProvider<T>) provider);
            }
        }
        unique.sort(Comparator.comparing(PluginProvider::name));
        return Collections.unmodifiableList(unique);
    }

    /** The canonical names of one kind, sorted. */
    public List<String> names(PluginKind<?> kind) {
        return providers(kind).stream().map(PluginProvider::name).toList();
    }

    /** Every kind that has at least one plugin, sorted by id. */
    public List<PluginKind<?>> kinds() {
        return List.copyOf(kinds.values());
    }

    /** Providers that were listed but could not be loaded. */
    public List<PluginLoadFailure> failures() {
        return failures;
    }

    /** {@code loss 'infonce'}: how messages refer to a plugin. */
    public static String describe(PluginProvider<?> provider) {
        return provider.kind().id() + " '" + provider.name() + "'";
    }
}
