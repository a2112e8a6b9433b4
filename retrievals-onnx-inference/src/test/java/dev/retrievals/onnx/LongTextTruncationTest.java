package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A text longer than the model's maximum length is truncated, in {@code encode} of the PyTorch
 * model and in {@link OnnxEncoder}: its vector is the vector of the text cut by hand to the first
 * {@code max_length − 2} words (each word here is one token, so the cut is known without the
 * tokenizer's help), not a vector of the whole text and not an error.
 */
class LongTextTruncationTest {
    @TempDir
    Path scratch;

    /** Words cycled to build the text; each is a single token of the model's vocabulary. */
    private static List<String> words(String vocabulary, int count) {
        String[] cycle = vocabulary.split(" ");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            words.add(cycle[i % cycle.length]);
        }
        return words;
    }

    /**
     * The ONNX side of each model: all-MiniLM-L6-v2 exported by {@link OnnxExporter} (its maximum of
     * 256 travels in the export's metadata), bge-small-zh-v1.5's original graph (no metadata; the
     * default 512 is its maximum).
     */
    private OnnxEncoder onnxEncoder(AutoModelForEmbedding model, String resource, String pooling) throws Exception {
        if (resource.equals("export")) {
            Path exported = scratch.resolve("export");
            OnnxExporter.export(model, exported, ExportOptions.defaults());
            return OnnxEncoder.load(exported);
        }
        return OnnxEncoder.builder(TestModels.original(resource, scratch)).pooling(pooling).normalize(true).build();
    }

    @ParameterizedTest
    @CsvSource({
        "all-MiniLM-L6-v2, export, mean, ' ', river stone bright city music quiet garden window bread morning",
        "bge-small-zh-v1.5, bge-small-zh-v1.5, cls, '', 天 地 人 和 山 水 日 月 风 云 花 草"})
    void aTooLongTextHasTheVectorOfItsTruncatedText(String id, String resource, String pooling, String separator, String vocabulary)
            throws Exception {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id);
                OnnxEncoder onnx = onnxEncoder(model, resource, pooling)) {
            int maxLength = model.tokenizer().maxLength();
            assertThat(onnx.tokenizer().maxLength()).isEqualTo(maxLength);
            List<String> all = words(vocabulary, 3 * maxLength);
            String longText = String.join(separator, all);
            String truncated = String.join(separator, all.subList(0, maxLength - 2)); // [CLS] … [SEP] take two
            String shorter = String.join(separator, all.subList(0, maxLength - 12));
            assertThat(model.tokenizer().ids(truncated)).as("each word is one token").hasSize(maxLength);
            assertThat(model.tokenizer().ids(longText)).isEqualTo(model.tokenizer().ids(truncated));

            float[] pytorchLong = model.encode(List.of(longText))[0];
            float[] pytorchTruncated = model.encode(List.of(truncated))[0];
            float[] onnxLong = onnx.encode(List.of(longText))[0];
            float[] onnxTruncated = onnx.encode(List.of(truncated))[0];
            assertThat(VectorMath.maxAbsDifference(pytorchLong, pytorchTruncated)).as("PyTorch: long vs truncated").isLessThanOrEqualTo(1e-6);
            assertThat(VectorMath.maxAbsDifference(onnxLong, onnxTruncated)).as("ONNX: long vs truncated").isLessThanOrEqualTo(1e-6);
            assertThat(VectorMath.cosine(onnxLong, pytorchLong)).as("ONNX vs PyTorch on the long text").isGreaterThanOrEqualTo(0.9999);
            // the comparison can fail: ten words fewer give another vector
            assertThat(VectorMath.maxAbsDifference(pytorchLong, model.encode(List.of(shorter))[0])).isGreaterThan(1e-4);
        }
    }
}
