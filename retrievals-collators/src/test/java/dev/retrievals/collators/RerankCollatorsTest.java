package dev.retrievals.collators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-encoder collators on real STS rows and on hand-made mined groups, against DJL's pair encoding. */
class RerankCollatorsTest {
    private static TextTokenizer tokenizer;
    private static HuggingFaceTokenizer djl;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = BundledTokenizers.load(BundledTokenizers.BGE, 128);
        try (InputStream in = RerankCollatorsTest.class.getResourceAsStream(BundledTokenizers.BGE)) {
            djl = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                    "maxLength", "64"));
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        djl.close();
    }

    private static long[] real(TokenBatch batch, int row) {
        return Arrays.copyOf(batch.inputIds()[row], batch.lengths()[row]);
    }

    @Test
    void scoredPairsBecomeOnePairSequenceEachWithScaledScores() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("sts-b-zh/train.jsonl", 6);
        CollatedBatch batch = RerankPairCollator.builder(tokenizer).maxLength(64).with(RerankPairCollator.SCORE_SCALE, 5.0).build().collate(rows);
        assertThat(batch.texts()).containsOnlyKeys(LossInputs.PAIR);
        TokenBatch pairs = batch.tokens(LossInputs.PAIR);
        float[] scores = batch.scores().get(LossInputs.SCORE);
        for (int row = 0; row < rows.size(); row++) {
            Encoding expected = djl.encode((String) rows.get(row).get("sentence1"), (String) rows.get(row).get("sentence2"));
            assertThat(real(pairs, row)).isEqualTo(expected.getIds());
            assertThat(Arrays.copyOf(pairs.tokenTypeIds()[row], expected.getIds().length)).isEqualTo(expected.getTypeIds());
            assertThat((double) scores[row]).isEqualTo(((Number) rows.get(row).get("score")).doubleValue() / 5, org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    private static Map<String, Object> groupRow(String query, List<String> pos, List<String> neg) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("query", query);
        row.put("pos", pos);
        row.put("neg", neg);
        List<Double> posScores = new ArrayList<>();
        for (int i = 0; i < pos.size(); i++) {
            posScores.add(10.0 + i);
        }
        List<Double> negScores = new ArrayList<>();
        for (int i = 0; i < neg.size(); i++) {
            negScores.add((double) i);
        }
        row.put("pos_scores", posScores);
        row.put("neg_scores", negScores);
        return row;
    }

    @Test
    void groupsArePairsOfTheQueryWithItsPositiveFirstThenDistinctNegativesAndTheirScores() {
        List<Map<String, Object>> rows = List.of(
                groupRow("北京的天气", List.of("北京今天晴", "北京明天下雨"), List.of("上海很热", "广州有雨", "深圳多云", "杭州下雪", "南京刮风")),
                groupRow("如何学习数学", List.of("多做练习题"), List.of("唱歌", "跳舞", "画画", "跑步")));
        int group = 4;
        CollatedBatch batch = RerankGroupCollator.builder(tokenizer).maxLength(64).with(GroupCollator.TRAIN_GROUP_SIZE, group)
                .with(GroupCollator.WITH_SCORES, true).build().collate(rows);
        TokenBatch pairs = batch.tokens(LossInputs.PAIR);
        assertThat(pairs.batchSize()).isEqualTo(rows.size() * group);
        float[] teacher = batch.scores().get(LossInputs.TEACHER_SCORE);
        assertThat(batch.scoresPerRow(LossInputs.TEACHER_SCORE)).isEqualTo(group);
        for (int row = 0; row < rows.size(); row++) {
            @SuppressWarnings("unchecked")
            List<String> pos = (List<String>) rows.get(row).get("pos");
            @SuppressWarnings("unchecked")
            List<String> neg = (List<String>) rows.get(row).get("neg");
            String query = (String) rows.get(row).get("query");
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < group; k++) {
                long[] ids = real(pairs, row * group + k);
                List<String> candidates = k == 0 ? pos : neg;
                int found = -1;
                for (int c = 0; c < candidates.size(); c++) {
                    if (Arrays.equals(djl.encode(query, candidates.get(c)).getIds(), ids)) {
                        found = c;
                    }
                }
                assertThat(found).as("pair %d of row %d is the query with one of its %s", k, row, k == 0 ? "positives" : "negatives")
                        .isNotNegative();
                assertThat(seen.add(candidates.get(found))).as("negatives are drawn without repetition").isTrue();
                double expectedScore = k == 0 ? 10.0 + found : found;
                assertThat((double) teacher[row * group + k]).isEqualTo(expectedScore);
            }
        }
    }

    @Test
    void aGroupWithoutAPositiveIsRefusedNamingTheFileAndLine(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("mined.jsonl");
        Files.writeString(file, "{\"query\": \"q1\", \"pos\": [\"p\"], \"neg\": [\"n\"]}\n{\"query\": \"q2\", \"pos\": [], \"neg\": [\"n\"]}\n");
        RerankGroupCollator collator = new RerankGroupCollator(tokenizer, 64, 2);
        assertThatThrownBy(() -> Dataset.fromJsonl(file).validate(collator.columnTypes()).toList())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("mined.jsonl").hasMessageContaining("line 2").hasMessageContaining("'pos'")
                .hasMessageContaining("empty list");
    }

    @Test
    void theCollatorsAreFoundByName() {
        assertThat(PluginRegistry.global().provider(PluginKinds.COLLATOR, "rerank_pair").name()).isEqualTo("rerank_pair");
        assertThat(PluginRegistry.global().provider(PluginKinds.COLLATOR, "rerank_group").name()).isEqualTo("rerank_group");
    }
}
