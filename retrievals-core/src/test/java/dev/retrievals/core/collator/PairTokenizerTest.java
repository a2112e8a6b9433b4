package dev.retrievals.core.collator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import dev.retrievals.core.RetrievalsException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pair tokenization against DJL's own pair encoding of the same tokenizer.json at the same maximum length. */
class PairTokenizerTest {

    /** A RoBERTa-style tokenizer.json: whole-word vocabulary, RobertaProcessing ({@code <s> a </s></s> b </s>}, no token types). */
    static byte[] robertaStyleTokenizer() {
        StringBuilder vocab = new StringBuilder("\"<s>\": 0, \"<pad>\": 1, \"</s>\": 2, \"<unk>\": 3");
        for (int i = 0; i < 40; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(4 + i);
        }
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": ["
                + special(0, "<s>") + ", " + special(1, "<pad>") + ", " + special(2, "</s>") + ", " + special(3, "<unk>") + "],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"},"
                + " \"post_processor\": {\"type\": \"RobertaProcessing\", \"sep\": [\"</s>\", 2], \"cls\": [\"<s>\", 0],"
                + " \"trim_offsets\": true, \"add_prefix_space\": false}, \"decoder\": null,"
                + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "}, \"unk_token\": \"<unk>\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String special(int id, String content) {
        return "{\"id\": " + id + ", \"content\": \"" + content + "\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false,"
                + " \"normalized\": false, \"special\": true}";
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = PairTokenizerTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static String words(String prefix, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(prefix).append(i % 40);
        }
        return text.toString();
    }

    /** Every combination of member lengths around the budget (ties, odd budgets, one member empty). */
    private static void assertMatchesDjl(byte[] tokenizerJson, String wordPrefix, long padId) throws Exception {
        int[] lengths = {0, 1, 3, 6, 7, 8, 9, 12, 13, 20, 31};
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (int a : lengths) {
            for (int b : lengths) {
                first.add(words(wordPrefix, a));
                second.add(words(wordPrefix, b));
            }
        }
        try (TextTokenizer tokenizer = TextTokenizer.fromStream(new ByteArrayInputStream(tokenizerJson), "test", 64, padId)) {
            for (int maxLength : new int[] {16, 17, 24, 64}) {
                PairTokenizer pairs = new PairTokenizer(tokenizer, maxLength, 1);
                TokenBatch batch = pairs.tokenize(first, second);
                PairList<String, String> input = new PairList<>(first, second);
                try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of(
                        "addSpecialTokens", "true", "truncation", "true", "padding", "false", "maxLength", String.valueOf(maxLength)))) {
                    Encoding[] expected = djl.batchEncode(input);
                    for (int row = 0; row < expected.length; row++) {
                        long[] ids = expected[row].getIds();
                        String where = "max_length " + maxLength + ", pair " + row + " (" + first.get(row) + " | " + second.get(row) + ")";
                        assertThat(batch.lengths()[row]).as(where).isEqualTo(ids.length);
                        assertThat(Arrays.copyOf(batch.inputIds()[row], ids.length)).as(where).isEqualTo(ids);
                        assertThat(Arrays.copyOf(batch.tokenTypeIds()[row], ids.length)).as(where).isEqualTo(expected[row].getTypeIds());
                        for (int col = ids.length; col < batch.sequenceLength(); col++) {
                            assertThat(batch.inputIds()[row][col]).as(where).isEqualTo(padId);
                            assertThat(batch.attentionMask()[row][col]).as(where).isZero();
                        }
                    }
                }
            }
        }
    }

    @Test
    void bertPairsMatchDjlPairEncodingWithLongestFirstTruncation() throws Exception {
        assertMatchesDjl(resource("/all-minilm-l6-v2-tokenizer.json"), "word", 0);
        assertMatchesDjl(resource("/bge-small-zh-v1.5-tokenizer.json"), "字", 0);
    }

    @Test
    void robertaPairsMatchDjlPairEncoding() throws Exception {
        assertMatchesDjl(robertaStyleTokenizer(), "w", 1);
    }

    @Test
    void bertTemplateIsClsFirstSepSecondSepWithTypesZeroThenOne() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.fromStream(new ByteArrayInputStream(resource("/all-minilm-l6-v2-tokenizer.json")),
                "minilm", 32, 0)) {
            PairTokenizer pairs = new PairTokenizer(tokenizer, 0, 1);
            assertThat(pairs.specialTokens()).isEqualTo(3);
            TokenBatch batch = pairs.tokenize(List.of("hello"), List.of("world"));
            // [CLS] hello [SEP] world [SEP] in bert-base-uncased's vocabulary
            assertThat(batch.inputIds()[0]).containsExactly(101, 7592, 102, 2088, 102);
            assertThat(batch.tokenTypeIds()[0]).containsExactly(0, 0, 0, 1, 1);
        }
    }

    @Test
    void robertaTemplateDoublesTheSeparator() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.fromStream(new ByteArrayInputStream(robertaStyleTokenizer()), "roberta", 32, 1)) {
            PairTokenizer pairs = new PairTokenizer(tokenizer, 0, 1);
            assertThat(pairs.specialTokens()).isEqualTo(4);
            TokenBatch batch = pairs.tokenize(List.of("w1 w2"), List.of("w3"));
            assertThat(batch.inputIds()[0]).containsExactly(0, 5, 6, 2, 2, 7, 2);
        }
    }

    @Test
    void longestFirstFollowsHuggingFaceArithmetic() {
        // the shorter keeps all when it fits in half; else both get half, an odd token to the longer (the second on a tie)
        assertThat(PairTokenizer.longestFirst(3, 20, 10)).containsExactly(3, 7);
        assertThat(PairTokenizer.longestFirst(20, 3, 10)).containsExactly(7, 3);
        assertThat(PairTokenizer.longestFirst(8, 9, 11)).containsExactly(5, 6);
        assertThat(PairTokenizer.longestFirst(9, 8, 11)).containsExactly(6, 5);
        assertThat(PairTokenizer.longestFirst(9, 9, 11)).containsExactly(5, 6);
        assertThat(PairTokenizer.longestFirst(2, 3, 11)).containsExactly(2, 3);
    }

    @Test
    void badLengthsAreOneClearError() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.fromStream(new ByteArrayInputStream(resource("/all-minilm-l6-v2-tokenizer.json")),
                "minilm", 32, 0)) {
            assertThatThrownBy(() -> new PairTokenizer(tokenizer, 4, 1)).isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("max_length is 4").hasMessageContaining("[5, 32]");
            assertThatThrownBy(() -> new PairTokenizer(tokenizer, 33, 1)).hasMessageContaining("max_length is 33");
            PairTokenizer pairs = new PairTokenizer(tokenizer, 0, 1);
            assertThatThrownBy(() -> pairs.tokenize(List.of("a", "b"), List.of("c"))).hasMessageContaining("2 first texts and 1 second");
        }
    }
}
