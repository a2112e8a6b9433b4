package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginLoadFailure;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.onnx.OnnxModelDescription;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code retrievals info [--json]}: every plugin by kind, from the registry, with its options;
 * {@code retrievals info --model PATH}: what an ONNX model is (architecture, pooling, precision, quantization).
 */
@Command(name = "info", description = {"List every plugin (losses, poolings, collators, schedules, evaluators, architectures)"
        + " with its options, defaults and allowed ranges.",
    "With --model: say what an ONNX model is (architecture, pooling, precision, quantization, size)."})
final class InfoCommand extends CliCommand {
    @Option(names = "--json", description = "Print the list (or the model's description) as JSON (with the providers that failed to load).")
    boolean json;

    @Option(names = "--model", paramLabel = "PATH", description = "An ONNX model: an .onnx file, a folder with model.onnx (or"
            + " onnx/model.onnx) or a training run folder with an export.")
    Path model;

    @Override
    protected int run() {
        PrintWriter out = out();
        if (model != null) {
            describe(out);
            return 0;
        }
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

    private void describe(PrintWriter out) {
        if (!Files.exists(model)) {
            throw new UsageException("--model " + model + " does not exist");
        }
        OnnxModelDescription description;
        try {
            description = OnnxModelDescription.of(model);
        } catch (RetrievalsException e) {
            throw new UsageException("--model " + model + ": " + e.getMessage() + " (info --model describes ONNX models; export a"
                    + " PyTorch model with 'retrievals export')");
        }
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("file", description.file().toString());
            fields.put("architecture", description.architecture());
            fields.put("pooling", description.pooling());
            fields.put("normalize", description.normalize());
            fields.put("precision", description.precision());
            fields.put("quantization", description.quantization());
            fields.put("max_length", description.maxLength());
            fields.put("file_bytes", description.fileBytes());
            fields.put("exported_by_retrievals", description.writtenByRetrievals());
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(fields));
        } else {
            description.lines().forEach(out::println);
        }
    }
}
