package dev.retrievals.index.testing;

import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.testing.BundledMiniLm;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.Fingerprint;
import dev.retrievals.onnx.OnnxEncoder;
import java.nio.file.Path;
import java.util.List;


/**
 * SciFact's real corpus and queries encoded by the bundled all-MiniLM-L6-v2 through
 * {@link OnnxEncoder} (mean pooling, unit vectors), kept in a corpus store under {@code target/}
 * so later test classes and runs reuse it (the store's fingerprints decide).
 *
 * <p>To keep CI small this is a fixed subset: the first {@value #DOCUMENTS} abstracts in file
 * order, truncated to {@value #MAX_LENGTH} tokens (the whole corpus at 256 tokens took over ten
 * minutes on the shared 2-core machine). Queries are all 1,109 claims.
 */
public final class SciFactVectors {
    /** Documents of the fixed subset. */
    public static final int DOCUMENTS = 1500;
    /** Tokens per text. */
    public static final int MAX_LENGTH = 128;
    private static final Path FOLDER = Path.of("target", "test-stores", "scifact-all-minilm-l6-v2");

    private SciFactVectors() {}

    /** The bundled model's original graph and tokenizer, copied out of its jar into {@code folder}. */
    public static Path miniLmFolder(Path folder) {
        return BundledMiniLm.folder(folder);
    }

    /** An encoder of the bundled all-MiniLM-L6-v2 on ONNX Runtime. */
    public static OnnxEncoder encoder(Path modelFolder) {
        return OnnxEncoder.builder(modelFolder).pooling("mean").normalize(true).maxLength(MAX_LENGTH).batchSize(32).build();
    }

    /** The encoded SciFact subset (built on first use, reused afterwards). */
    public static CorpusStore store() {
        Path model = miniLmFolder(Path.of("target", "test-models", "all-minilm-l6-v2"));
        try (OnnxEncoder encoder = encoder(model)) {
            return CorpusStore.builder(FOLDER).encoder(encoder, Fingerprint.ofModel(model.toString()) + " mean " + MAX_LENGTH)
                    .batchSize(32).chunkSize(256).showProgressBar(true)
                    .build(CorpusSource.beir(SharedData.resolve("scifact"), true).first(DOCUMENTS));
        }
    }

    /** The texts of SciFact's queries, in file order. */
    public static List<String> queryTexts() {
        return Dataset.fromJsonl(SharedData.resolve("scifact/queries.jsonl")).stream().map(row -> (String) row.get("text")).toList();
    }

    /** The queries encoded by the same model. */
    public static float[][] queryVectors(List<String> texts) {
        Path model = miniLmFolder(Path.of("target", "test-models", "all-minilm-l6-v2"));
        try (OnnxEncoder encoder = encoder(model)) {
            return encoder.encode(texts);
        }
    }

}
