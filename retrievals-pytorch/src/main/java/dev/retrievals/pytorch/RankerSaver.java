package dev.retrievals.pytorch;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.nio.file.Path;

/**
 * Writes a cross-encoder as a Hugging Face sequence-classification folder: {@code config.json}
 * (the encoder's, with {@code architectures}, {@code num_labels}, {@code id2label} and
 * {@code label2id}), {@code model.safetensors} under Hugging Face's names and the tokenizer files;
 * no sentence-transformers module files, so nothing mistakes it for an embedding model.
 */
final class RankerSaver {
    private RankerSaver() {}

    static void save(AutoModelForRanking model, Path target) {
        Path folder = target.toAbsolutePath().normalize();
        ModelSaver.checkReplaceable(folder);
        AtomicFolder.write(folder, temporary -> {
            SentenceTransformersLayout.writeJson(temporary.resolve("config.json"), config(model));
            SafetensorsFile.fromNDArrays(model.parameters()).write(temporary.resolve("model.safetensors"));
            ModelSaver.writeTokenizerFiles(model.encoder(), temporary);
        });
    }

    /** The encoder's config with the classification fields Hugging Face reads. */
    static JsonObject config(AutoModelForRanking model) {
        TransformerConfig encoderConfig = model.encoder().config();
        JsonObject config = encoderConfig.json();
        JsonArray architectures = new JsonArray();
        architectures.add(model.head().architectureName(encoderConfig));
        config.add("architectures", architectures);
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int label = 0; label < model.numLabels(); label++) {
            id2label.addProperty(Integer.toString(label), "LABEL_" + label);
            label2id.addProperty("LABEL_" + label, label);
        }
        config.addProperty("num_labels", model.numLabels());
        config.add("id2label", id2label);
        config.add("label2id", label2id);
        return config;
    }
}
