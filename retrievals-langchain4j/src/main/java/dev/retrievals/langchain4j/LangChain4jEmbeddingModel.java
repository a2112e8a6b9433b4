package dev.retrievals.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} over any retrievals {@link TextEncoder}: an ONNX export served
 * by {@code OnnxEncoder} or a PyTorch {@code AutoModelForEmbedding}, with the pooling and
 * normalisation the model was trained with.
 *
 * <p>Models trained with prompts embed queries and documents differently, while LangChain4j's
 * {@code EmbeddingModel} has one {@code embed} for both. So this adapter has a role: give the
 * ingestor (documents) {@link #forDocuments} and the retriever (queries) {@link #forQueries}; each
 * prepends the encoder's prompt for its role ({@link TextEncoder#encodeDocuments},
 * {@link TextEncoder#encodeQueries}).
 *
 * <pre>{@code
 * try (OnnxEncoder encoder = OnnxEncoder.load(Path.of("runs/infonce/onnx"))) {
 *     EmbeddingStoreIngestor.builder().embeddingModel(LangChain4jEmbeddingModel.forDocuments(encoder))
 *             .embeddingStore(store).build().ingest(documents);
 *     EmbeddingStoreContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
 *             .embeddingModel(LangChain4jEmbeddingModel.forQueries(encoder)).embeddingStore(store).build();
 * }
 * }</pre>
 *
 * The adapter does not own the encoder: close the encoder when the models are no longer used.
 */
public final class LangChain4jEmbeddingModel implements EmbeddingModel {
    private final TextEncoder encoder;
    private final boolean queries;
    private final String modelName;

    private LangChain4jEmbeddingModel(TextEncoder encoder, boolean queries, String modelName) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.queries = queries;
        this.modelName = modelName;
    }

    /** Embeds documents (segments to store), with the encoder's document prompt. */
    public static LangChain4jEmbeddingModel forDocuments(TextEncoder encoder) {
        return new LangChain4jEmbeddingModel(encoder, false, null);
    }

    /** Embeds queries (what a retriever searches with), with the encoder's query prompt. */
    public static LangChain4jEmbeddingModel forQueries(TextEncoder encoder) {
        return new LangChain4jEmbeddingModel(encoder, true, null);
    }

    /** A copy that reports {@code name} as its {@link #modelName()} (for LangChain4j's listeners and logs). */
    public LangChain4jEmbeddingModel withModelName(String name) {
        return new LangChain4jEmbeddingModel(encoder, queries, name);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
        if (textSegments == null) {
            throw new RetrievalsException("The text segments to embed are null");
        }
        List<String> texts = new ArrayList<>(textSegments.size());
        for (int i = 0; i < textSegments.size(); i++) {
            TextSegment segment = textSegments.get(i);
            if (segment == null || segment.text() == null) {
                throw new RetrievalsException("Text segment " + i + " to embed is null");
            }
            texts.add(segment.text());
        }
        if (texts.isEmpty()) {
            return Response.from(List.of());
        }
        float[][] vectors = queries ? encoder.encodeQueries(texts) : encoder.encodeDocuments(texts);
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (float[] vector : vectors) {
            embeddings.add(Embedding.from(vector));
        }
        return Response.from(embeddings);
    }

    /** The encoder's vector length (no test embedding is computed). */
    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public String modelName() {
        return modelName != null ? modelName : encoder.getClass().getSimpleName();
    }

    /** Whether this model embeds queries (otherwise documents). */
    public boolean embedsQueries() {
        return queries;
    }
}
