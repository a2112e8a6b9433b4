package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt masking ({@code include_prompt: false}): the pooled vector of a prompted text is the mean of
 * the text's own token embeddings, the prompt's tokens left out, as sentence-transformers pools; and
 * the prompts with {@code include_prompt} save and load with the model.
 */
class PromptMaskingTest {
    private static final List<String> TEXTS = List.of("how do vaccines train the immune system",
            "a short one", "The mitochondria is the powerhouse of the cell, and it makes ATP from glucose and oxygen.");
    private static final String QUERY_PROMPT = "query: ";
    private static final String DOCUMENT_PROMPT = "Represent this passage for retrieval: ";

    @TempDir
    Path dir;

    @Test
    void allMiniLmPoolsOnlyTheTextTokensOfPromptedQueriesAndDocuments() {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", null,
                ModelOptions.defaults().withNormalize(false).withPrompts(QUERY_PROMPT, DOCUMENT_PROMPT).withIncludePrompt(false))) {
            assertThat(model.poolingName()).isEqualTo("mean");
            float[][] queries = model.encodeQueries(TEXTS);
            float[][] documents = model.encodeDocuments(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(queries[i], meanWithoutPrompt(model, QUERY_PROMPT, TEXTS.get(i)));
                assertClose(documents[i], meanWithoutPrompt(model, DOCUMENT_PROMPT, TEXTS.get(i)));
            }
            // Plain texts carry no prompt, so nothing is left out.
            float[][] plain = model.encode(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(plain[i], meanOver(tokenEmbeddings(model, TEXTS.get(i)), 0));
            }
        }
    }

    @Test
    void withTheDefaultIncludePromptTheQueryPromptIsPooledToo() {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", null,
                ModelOptions.defaults().withNormalize(false).withPrompts(QUERY_PROMPT, ""))) {
            assertThat(model.prompts().includePrompt()).isTrue();
            float[][] queries = model.encodeQueries(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(queries[i], meanOver(tokenEmbeddings(model, QUERY_PROMPT + TEXTS.get(i)), 0));
                assertThat(maxAbsDifference(queries[i], meanWithoutPrompt(model, QUERY_PROMPT, TEXTS.get(i))))
                        .as("leaving the prompt out changes the vector").isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void promptsAndIncludePromptSaveAndLoadWithTheModel() throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 5);
        Path saved = dir.resolve("saved");
        float[][] queries;
        float[][] documents;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean",
                ModelOptions.defaults().withPrompts(Prompts.of("q: ", "passage: ").withIncludePrompt(false)))) {
            queries = model.encodeQueries(TEXTS);
            documents = model.encodeDocuments(TEXTS);
            model.save(saved);
        }
        JsonObject pooling = JsonParser.parseString(Files.readString(saved.resolve("1_Pooling/config.json"))).getAsJsonObject();
        assertThat(pooling.get("include_prompt").getAsBoolean()).isFalse();
        JsonObject st = JsonParser.parseString(Files.readString(saved.resolve("config_sentence_transformers.json"))).getAsJsonObject();
        assertThat(st.getAsJsonObject("prompts").get("query").getAsString()).isEqualTo("q: ");
        assertThat(st.getAsJsonObject("prompts").get("document").getAsString()).isEqualTo("passage: ");
        assertThat(st.get("default_prompt_name").isJsonNull()).isTrue();
        try (AutoModelForEmbedding reloaded = AutoModelForEmbedding.fromPretrained(saved.toString())) {
            assertThat(reloaded.prompts()).isEqualTo(new Prompts("q: ", "passage: ", false));
            assertThat(reloaded.encodeQueries(TEXTS)).isDeepEqualTo(queries);
            assertThat(reloaded.encodeDocuments(TEXTS)).isDeepEqualTo(documents);
        }
        // The caller's settings win over the saved ones.
        try (AutoModelForEmbedding overridden = AutoModelForEmbedding.fromPretrained(saved.toString(), null,
                ModelOptions.defaults().withPrompts("", null).withIncludePrompt(true))) {
            assertThat(overridden.prompts()).isEqualTo(new Prompts("", "passage: ", true));
        }
    }

    @Test
    void aSentenceTransformersFolderWrittenAsPythonWritesItLoadsItsPrompts() throws Exception {
        Path folder = TinyModelFolder.write(dir.resolve("st"), 3);
        // As sentence-transformers 3.x saves an E5-style model: prompts named query/passage, include_prompt false.
        Files.writeString(folder.resolve("modules.json"), """
                [
                  {
                    "idx": 0,
                    "name": "0",
                    "path": "",
                    "type": "sentence_transformers.models.Transformer"
                  },
                  {
                    "idx": 1,
                    "name": "1",
                    "path": "1_Pooling",
                    "type": "sentence_transformers.models.Pooling"
                  }
                ]""");
        Files.createDirectories(folder.resolve("1_Pooling"));
        Files.writeString(folder.resolve("1_Pooling/config.json"), """
                {
                  "word_embedding_dimension": 16,
                  "pooling_mode_cls_token": false,
                  "pooling_mode_mean_tokens": true,
                  "pooling_mode_max_tokens": false,
                  "pooling_mode_mean_sqrt_len_tokens": false,
                  "pooling_mode_weightedmean_tokens": false,
                  "pooling_mode_lasttoken": false,
                  "include_prompt": false
                }""");
        Files.writeString(folder.resolve("config_sentence_transformers.json"), """
                {
                  "__version__": {
                    "sentence_transformers": "3.0.1",
                    "transformers": "4.41.2",
                    "pytorch": "2.3.0+cu121"
                  },
                  "prompts": {
                    "query": "query: ",
                    "passage": "passage: "
                  },
                  "default_prompt_name": null,
                  "similarity_fn_name": null
                }""");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(folder.toString())) {
            assertThat(model.poolingName()).isEqualTo("mean");
            assertThat(model.prompts()).isEqualTo(new Prompts("query: ", "passage: ", false));
            float[][] queries = model.encodeQueries(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(queries[i], meanWithoutPrompt(model, "query: ", TEXTS.get(i)));
            }
        }
        Files.writeString(folder.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_tokens\": true, \"include_prompt\": \"no\"}");
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()).close())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("1_Pooling").hasMessageContaining("include_prompt")
                .hasMessageContaining("expected true or false");
    }

    /**
     * The reference: the model's token embeddings of {@code prompt + text} alone (no padding), averaged
     * over the positions after the prompt. The prompt's length is found by tokenizing the text with and
     * without the prompt: the difference is the prompt's own tokens, and the leading {@code [CLS]} is
     * left out with them, as sentence-transformers does.
     */
    private static float[] meanWithoutPrompt(AutoModelForEmbedding model, String prompt, String text) {
        int promptTokens = model.tokenizer().ids(prompt + text).length - model.tokenizer().ids(text).length;
        assertThat(promptTokens).isPositive();
        return meanOver(tokenEmbeddings(model, prompt + text), 1 + promptTokens);
    }

    /** {@code [tokens][hidden]} of one text from the model's forward pass. */
    private static float[][] tokenEmbeddings(AutoModelForEmbedding model, String text) {
        TokenBatch batch = model.tokenizer().tokenize(List.of(text));
        try (NDManager scope = model.newScope()) {
            NDArray hidden = model.lastHiddenState(batch, scope);
            int length = (int) hidden.getShape().get(1);
            int width = (int) hidden.getShape().get(2);
            float[] flat = hidden.toType(DataType.FLOAT32, false).toFloatArray();
            float[][] rows = new float[length][width];
            for (int position = 0; position < length; position++) {
                System.arraycopy(flat, position * width, rows[position], 0, width);
            }
            return rows;
        }
    }

    private static float[] meanOver(float[][] tokens, int from) {
        double[] sum = new double[tokens[0].length];
        for (int position = from; position < tokens.length; position++) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += tokens[position][d];
            }
        }
        float[] mean = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            mean[d] = (float) (sum[d] / (tokens.length - from));
        }
        return mean;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(maxAbsDifference(actual, expected)).isLessThan(2e-5);
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
