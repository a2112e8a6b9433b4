package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginLoadFailure;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code retrievals info [--json]}: every plugin by kind, from the registry, with its options. */
@Command(name = "info", description = "List every plugin (losses, poolings, collators, schedules, evaluators, architectures)"
        + " with its options, defaults and allowed ranges.")
final class InfoCommand extends CliCommand {
    @Option(names = "--json", description = "Print the list as JSON (with the providers that failed to load).")
    boolean json;

    @Override
    protected int run() {
        PrintWriter out = out();
        PluginRegistry registry = PluginRegistry.global();
        Set<PluginKind<?>> kinds = new LinkedHashSet<>(PluginKinds.all());
        kinds.addAll(registry.kinds());
        Map<String, Object> listing = new LinkedHashMap<>();
        for (PluginKind<?> kind : kinds) {
            List<Map<String, Object>> plugins = new ArrayList<>();
            for (PluginProvider<?> provider : registry.providers(kind)) {
                Map<String, Object> plugin = new LinkedHashMap<>();
                plugin.put("name", provider.name());
                plugin.put("aliases", provider.aliases());
                plugin.put("description", provider.description());
                plugin.put("class", provider.getClass().getName());
                List<Map<String, Object>> options = new ArrayList<>();
                for (OptionSpec<?> spec : provider.options().specs()) {
                    Map<String, Object> option = new LinkedHashMap<>();
                    option.put("name", spec.name());
                    option.put("default", spec.isRequired() ? null : String.valueOf(spec.defaultValue()));
                    option.put("required", spec.isRequired());
                    option.put("allowed", spec.allowed());
                    option.put("description", spec.description());
                    options.add(option);
                }
                plugin.put("options", options);
                plugins.add(plugin);
            }
            listing.put(kind.id(), plugins);
        }
        List<String> failures = registry.failures().stream().map(PluginLoadFailure::describe).toList();
        if (json) {
            listing.put("failures", failures);
            out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(listing));
            return 0;
        }
        listing.forEach((kind, plugins) -> {
            out.println(kind + ":");
            for (Object each : (List<?>) plugins) {
                Map<?, ?> plugin = (Map<?, ?>) each;
                out.printf("  %-22s %s%n", plugin.get("name"), plugin.get("description"));
                for (Object optionObject : (List<?>) plugin.get("options")) {
                    Map<?, ?> option = (Map<?, ?>) optionObject;
                    out.printf("      %s = %s  (%s; %s)%n", option.get("name"),
                            Boolean.TRUE.equals(option.get("required")) ? "<required>" : option.get("default"),
                            option.get("allowed"), option.get("description"));
                }
            }
        });
        if (!failures.isEmpty()) {
            out.println("providers that failed to load:");
            failures.forEach(f -> out.println("  " + f));
        }
        return 0;
    }
}
