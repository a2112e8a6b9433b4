package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginLoadFailure;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code retrievals info [--json]}: every plugin by kind, from the registry, with its options. */
final class InfoCommand implements Main.Command {

    @Override
    public String summary() {
        return "list every plugin (losses, poolings, collators, schedules, evaluators, architectures) with its options";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        Arguments arguments = Arguments.parse("info", args, Set.of(), Set.of("json"), Set.of());
        PluginRegistry registry = PluginRegistry.global();
        Set<PluginKind<?>> kinds = new LinkedHashSet<>(PluginKinds.all());
        kinds.addAll(registry.kinds());
        Map<String, Object> json = new LinkedHashMap<>();
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
            json.put(kind.id(), plugins);
        }
        List<String> failures = registry.failures().stream().map(PluginLoadFailure::describe).toList();
        if (arguments.has("json")) {
            json.put("failures", failures);
            out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json));
            return 0;
        }
        json.forEach((kind, plugins) -> {
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
