package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.model.ModelArchitecture;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.nio.file.Path;
import java.util.Map;

/** Lookups shared by loading and saving: the architecture of a config, and weight files. */
final class ModelFiles {
    private ModelFiles() {}

    /** The transformer architecture registered under the config's {@code model_type}. */
    static TransformerArchitecture architecture(TransformerConfig config) {
        ModelArchitecture found = PluginRegistry.global().create(PluginKinds.ARCHITECTURE, config.architectureName());
        if (!(found instanceof TransformerArchitecture architecture)) {
            throw new RetrievalsException(config.source() + ": architecture '" + config.architectureName()
                    + "' is not a transformer encoder this engine can run (" + found.getClass().getName() + ")");
        }
        return architecture;
    }

    /** Every tensor of a {@code .safetensors} file, by name, in {@code manager}. */
    static Map<String, NDArray> readSafetensors(Path file, NDManager manager) {
        return SafetensorsFile.read(file).toNDArrays(manager);
    }
}
