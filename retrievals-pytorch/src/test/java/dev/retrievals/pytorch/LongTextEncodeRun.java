package dev.retrievals.pytorch;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.diagnostics.ProcessMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The long encode of {@link EncodeResidentMemoryTest}, in a JVM of its own so the test reads this
 * process's peak resident memory alone: a tiny random BERT whose memory is dominated by attention
 * (see {@link #CONFIG}) encodes the first {@code texts} abstracts of SciFact's corpus (title and
 * text, each cut at {@value #MAX_LENGTH} tokens), in batches of {@value #BATCH}. Prints one line
 * {@value #RESULT} with the resident kilobytes after a warm-up encode, the peak resident kilobytes
 * at the end, the live NDArrays and the model's parameter count. Arguments: texts, scoped (true/false).
 */
public final class LongTextEncodeRun {
    static final String RESULT = "long-encode-result";
    static final int MAX_LENGTH = 256;
    static final int BATCH = 32;
    static final int LAYERS = 4;
    static final int HIDDEN = 64;
    static final int HEADS = 8;
    static final int INTERMEDIATE = 128;
    /** 64 wide with 8 heads: the [batch, heads, 256, 256] attention arrays are 32 times a [batch, 256, 64] hidden state. */
    static final String CONFIG = TinyModels.bertConfig().replace("\"hidden_size\": 8", "\"hidden_size\": " + HIDDEN)
            .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": " + LAYERS)
            .replace("\"num_attention_heads\": 2", "\"num_attention_heads\": " + HEADS)
            .replace("\"intermediate_size\": 16", "\"intermediate_size\": " + INTERMEDIATE)
            .replace("\"max_position_embeddings\": 64", "\"max_position_embeddings\": " + (MAX_LENGTH + 2));

    private LongTextEncodeRun() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        int count = Integer.parseInt(args[0]);
        boolean scoped = Boolean.parseBoolean(args[1]);
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(SharedData.resolve("scifact/corpus.jsonl"), StandardCharsets.UTF_8)) {
            for (String line; texts.size() < count && (line = reader.readLine()) != null; ) {
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                texts.add(row.get("title").getAsString() + " " + row.get("text").getAsString());
            }
        }
        TransformerConfig config = TransformerConfig.parse(CONFIG, "long-text config");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 31);
        try (AutoModelForEmbedding model = TinyEncoderTest.tinyModel(CONFIG, weights,
                ModelOptions.defaults().withPooling("mean").withMaxLength(MAX_LENGTH))) {
            model.setScopedForward(scoped);
            model.encode(List.of("warm-up"));
            long baseline = ProcessMemory.residentKilobytes();
            float[][] vectors = model.encode(texts, EncodeOptions.defaults().withBatchSize(BATCH));
            if (vectors.length != texts.size()) {
                throw new IllegalStateException(vectors.length + " vectors for " + texts.size() + " texts");
            }
            System.out.println(RESULT + " " + baseline + " " + ProcessMemory.peakResidentKilobytes() + " " + model.liveArrayCount()
                    + " " + model.parameters().size());
        }
    }
}
