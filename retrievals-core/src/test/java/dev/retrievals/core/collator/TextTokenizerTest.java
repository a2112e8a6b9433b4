package dev.retrievals.core.collator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {
    private static final List<String> TEXTS = List.of(
            "今天天气很好", "A much longer English sentence about embedding models and retrieval.", "短", "混合 mixed 文本 text");

    static TextTokenizer bundled(String resource, int maxLength) throws Exception {
        try (InputStream in = TextTokenizerTest.class.getResourceAsStream(resource)) {
            return TextTokenizer.fromStream(in, resource, maxLength, 0);
        }
    }

    @Test
    void eachRowEqualsTheTextTokenizedAloneThenPadded() throws Exception {
        for (String resource : List.of("/bge-small-zh-v1.5-tokenizer.json", "/all-minilm-l6-v2-tokenizer.json")) {
            try (TextTokenizer tokenizer = bundled(resource, 128)) {
                TokenBatch batch = tokenizer.tokenize(TEXTS);
                int longest = TEXTS.stream().mapToInt(t -> tokenizer.ids(t).length).max().orElseThrow();
                assertThat(batch.sequenceLength()).isEqualTo(longest);
                for (int row = 0; row < TEXTS.size(); row++) {
                    long[] alone = tokenizer.ids(TEXTS.get(row));
                    assertThat(Arrays.copyOf(batch.inputIds()[row], alone.length)).isEqualTo(alone);
                    assertThat(batch.lengths()[row]).isEqualTo(alone.length);
                    for (int col = alone.length; col < longest; col++) {
                        assertThat(batch.inputIds()[row][col]).isZero();
                        assertThat(batch.attentionMask()[row][col]).isZero();
                    }
                }
            }
        }
    }

    @Test
    void truncatesToMaxLengthCountingSpecialTokensAndPadsToAMultiple() throws Exception {
        try (TextTokenizer tokenizer = bundled("/all-minilm-l6-v2-tokenizer.json", 8)) {
            TokenBatch batch = tokenizer.tokenize(List.of(TEXTS.get(1), "hi"), 1);
            assertThat(batch.sequenceLength()).isEqualTo(8);
            assertThat(batch.inputIds()[0][0]).isEqualTo(101L); // [CLS]
            assertThat(batch.inputIds()[0][7]).isEqualTo(102L); // [SEP] kept after truncation
            assertThat(batch.lengths()).containsExactly(8, 3);
        }
        try (TextTokenizer tokenizer = bundled("/all-minilm-l6-v2-tokenizer.json", 128)) {
            TokenBatch batch = tokenizer.tokenize(List.of("hello world again"), 8);
            assertThat(batch.sequenceLength()).isEqualTo(8);
            assertThat(batch.paddingShare()).isEqualTo(3.0 / 8);
        }
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> TextTokenizer.fromFile(Path.of("/no/such/tokenizer.json"), 16, 0))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("/no/such/tokenizer.json");
        assertThatThrownBy(() -> bundled("/all-minilm-l6-v2-tokenizer.json", 1))
                .hasMessageContaining("max_length is 1");
    }
}
