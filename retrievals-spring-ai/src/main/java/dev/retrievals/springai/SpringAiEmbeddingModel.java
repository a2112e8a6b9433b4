package dev.retrievals.springai;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A Spring AI {@link EmbeddingModel} over a retrievals {@link TextEncoder}, usually an
 * {@code OnnxEncoder}: the vectors are the model's own (its pooling, {@code cls} for bge, and its
 * normalisation), computed by ONNX Runtime alone.
 *
 * <p>Prompts follow what Spring AI's vector stores call: {@link #embed(String)} embeds a search query
 * (with the encoder's query prompt); {@link #embed(Document)} and
 * {@link #embed(List, EmbeddingOptions, BatchingStrategy)} embed documents to store (with the
 * document prompt); {@link #call(EmbeddingRequest)} embeds its texts as they are.
 *
 * <p>The model does not own the encoder; in a Spring context both are beans and the context closes
 * the encoder.
 */
public final class SpringAiEmbeddingModel implements EmbeddingModel {
    private final TextEncoder encoder;

    /** An embedding model over {@code encoder}. */
    public SpringAiEmbeddingModel(TextEncoder encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<String> texts = checked(request == null ? null : request.getInstructions());
        return response(texts.isEmpty() ? new float[0][] : encoder.encode(texts));
    }

    /** A search query's vector, with the query prompt. */
    @Override
    public float[] embed(String text) {
        return encoder.encodeQueries(checked(Collections.singletonList(text)))[0];
    }

    /** A document's vector, with the document prompt. */
    @Override
    public float[] embed(Document document) {
        Objects.requireNonNull(document, "document");
        return encoder.encodeDocuments(checked(Collections.singletonList(document.getText())))[0];
    }

    /** Documents' vectors, with the document prompt, in batches of the encoder's own size (the strategy is not needed). */
    @Override
    public List<float[]> embed(List<Document> documents, EmbeddingOptions options, BatchingStrategy batchingStrategy) {
        Objects.requireNonNull(documents, "documents");
        List<String> texts = new ArrayList<>(documents.size());
        for (Document document : documents) {
            texts.add(document == null ? null : document.getText());
        }
        return texts.isEmpty() ? List.of() : List.of(encoder.encodeDocuments(checked(texts)));
    }

    /** The encoder's vector length (no test text is embedded). */
    @Override
    public int dimensions() {
        return encoder.dimension();
    }

    /** The encoder behind this model. */
    public TextEncoder encoder() {
        return encoder;
    }

    private static List<String> checked(List<String> texts) {
        if (texts == null) {
            throw new RetrievalsException("The texts to embed are null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new RetrievalsException("Text " + i + " to embed is null (a document without text?)");
            }
        }
        return texts;
    }

    private static EmbeddingResponse response(float[][] vectors) {
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            embeddings.add(new Embedding(vectors[i], i));
        }
        return new EmbeddingResponse(embeddings);
    }
}
