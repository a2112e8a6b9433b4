package dev.retrievals.collators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The tokenizers bundled in the model jars, the shared data, and the reference check of a token batch. */
final class BundledTokenizers {
    static final String BGE = "/bge-small-zh-v1.5-tokenizer.json";
    static final String MINILM = "/all-minilm-l6-v2-tokenizer.json";
    static final Path DATA = SharedData.folder();

    private BundledTokenizers() {}

    static TextTokenizer load(String resource, int maxLength) {
        try (InputStream in = BundledTokenizers.class.getResourceAsStream(resource)) {
            return TextTokenizer.fromStream(in, resource, maxLength, 0);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Map<String, Object>> rows(String file, int count) {
        return Dataset.fromJsonl(DATA.resolve(file)).take(count).toList();
    }

    /**
     * Checks each row of the batch against the text tokenized alone by a tokenizer loaded with the
     * role's max length: same ids, mask 1 over them, then padding (id 0, mask 0) up to the longest
     * text rounded up to {@code multiple}.
     */
    static void assertEachRowIsTheTextAlone(TokenBatch batch, List<String> texts, TextTokenizer alone, int multiple) {
        assertThat(batch.batchSize()).isEqualTo(texts.size());
        int longest = 0;
        for (int row = 0; row < texts.size(); row++) {
            long[] ids = alone.ids(texts.get(row));
            longest = Math.max(longest, ids.length);
            assertThat(Arrays.copyOf(batch.inputIds()[row], ids.length)).as("ids of %s", texts.get(row)).isEqualTo(ids);
            for (int col = 0; col < batch.sequenceLength(); col++) {
                assertThat(batch.attentionMask()[row][col]).isEqualTo(col < ids.length ? 1L : 0L);
                assertThat(batch.tokenTypeIds()[row][col]).isZero();
                if (col >= ids.length) {
                    assertThat(batch.inputIds()[row][col]).isZero();
                }
            }
        }
        assertThat(batch.sequenceLength()).isEqualTo((longest + multiple - 1) / multiple * multiple);
    }

    /** The texts of a column, each with a prefix. */
    static List<String> column(List<Map<String, Object>> rows, String key, String prefix) {
        return rows.stream().map(row -> prefix + row.get(key)).toList();
    }
}
