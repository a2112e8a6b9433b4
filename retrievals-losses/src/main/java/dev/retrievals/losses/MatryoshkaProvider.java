package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers {@link Matryoshka} as the loss named {@code matryoshka}. The inner loss is found by
 * name in the global registry ({@code loss}, default {@code infonce}) and created with
 * {@code loss_options} ({@code key=value,key=value}), or given configured as {@code inner}.
 */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class MatryoshkaProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return Matryoshka.NAME;
    }

    @Override
    public String description() {
        return "Matryoshka: an inner loss applied at several truncated embedding sizes, with weights.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(Matryoshka.DIMS, Matryoshka.WEIGHTS, Matryoshka.LOSS, Matryoshka.LOSS_OPTIONS, Matryoshka.INNER);
    }

    @Override
    public Loss create(Options options) {
        int[] dims = parseInts(options.get(Matryoshka.DIMS), "dims");
        String weightText = options.get(Matryoshka.WEIGHTS);
        double[] weights;
        if (weightText.isBlank()) {
            weights = new double[dims.length];
            Arrays.fill(weights, 1.0);
        } else {
            weights = parseDoubles(weightText, "weights");
        }
        Loss inner = options.get(Matryoshka.INNER);
        String innerOptions = options.get(Matryoshka.LOSS_OPTIONS);
        if (inner != null && !innerOptions.isBlank()) {
            throw new LossConfigurationException("Options 'inner' and 'loss_options' of " + Matryoshka.OWNER
                    + " exclude each other: configure the inner loss before passing it");
        }
        if (inner == null) {
            inner = PluginRegistry.global().create(PluginKinds.LOSS, options.get(Matryoshka.LOSS), parsePairs(innerOptions));
        }
        return Matryoshka.of(inner, dims, weights);
    }

    private static int[] parseInts(String text, String option) {
        String[] parts = text.split(",");
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException notInteger) {
                throw new LossConfigurationException("Option '" + option + "' of " + Matryoshka.OWNER + " is '" + text
                        + "'; allowed: comma-separated integers >= 1, e.g. 768,512,256");
            }
        }
        return values;
    }

    private static double[] parseDoubles(String text, String option) {
        String[] parts = text.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException notNumber) {
                throw new LossConfigurationException("Option '" + option + "' of " + Matryoshka.OWNER + " is '" + text
                        + "'; allowed: comma-separated numbers >= 0, e.g. 1,1,0.5");
            }
        }
        return values;
    }

    private static Map<String, String> parsePairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text.isBlank()) {
            return pairs;
        }
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new LossConfigurationException("Option 'loss_options' of " + Matryoshka.OWNER + " has '" + pair.trim()
                        + "'; allowed: key=value pairs separated by commas, e.g. temperature=0.02,label_smoothing=0.05");
            }
            pairs.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return pairs;
    }
}
