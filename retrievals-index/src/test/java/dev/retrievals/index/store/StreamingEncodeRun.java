package dev.retrievals.index.store;

import dev.retrievals.core.diagnostics.ProcessMemory;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/**
 * Encodes a JSON Lines corpus into a corpus store with a model folder, in a JVM of its own (see
 * {@link StreamingEncodeMemoryTest}), then prints {@code documents=N peak_rss_kb=K}.
 * Arguments: corpus file, store folder, model folder.
 */
public final class StreamingEncodeRun {
    private StreamingEncodeRun() {}

    public static void main(String[] args) {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(args[2], "mean");
                CorpusStore store = CorpusStore.builder(Path.of(args[1])).encoder(model, "tiny").batchSize(32).chunkSize(128)
                        .build(CorpusSource.jsonl(Path.of(args[0]), true, false))) {
            System.out.println("documents=" + store.size() + " peak_rss_kb=" + ProcessMemory.peakResidentKilobytes());
        }
    }
}
