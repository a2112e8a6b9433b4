package com.example.serving;

import dev.retrievals.onnx.OnnxEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A small semantic search over a fixed list of documents, served by ONNX Runtime alone: documents are
 * embedded once, a query is embedded and the documents are ranked by cosine similarity.
 */
public final class SemanticSearch implements AutoCloseable {
    private final OnnxEncoder encoder;
    private final List<String> documents;
    private final float[][] vectors;

    /**
     * @param model an exported folder (pooling inside the graph) or a plain Hugging Face ONNX folder
     * @param pooling the pooling for a plain Hugging Face ONNX graph ({@code cls}, {@code mean}, ...),
     *     or {@code null} for an export that pools and normalises in the graph
     */
    public SemanticSearch(Path model, String pooling, List<String> documents) {
        OnnxEncoder.Builder builder = OnnxEncoder.builder(model);
        if (pooling != null) {
            builder.pooling(pooling).normalize(true);
        }
        this.encoder = builder.build();
        this.documents = List.copyOf(documents);
        this.vectors = encoder.encode(this.documents);
    }

    /** The {@code k} documents closest to the query, closest first. */
    public List<String> search(String query, int k) {
        float[] q = encoder.encode(List.of(query))[0];
        List<Integer> order = new ArrayList<>();
        double[] scores = new double[documents.size()];
        for (int i = 0; i < documents.size(); i++) {
            scores[i] = cosine(q, vectors[i]);
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return order.subList(0, Math.min(k, order.size())).stream().map(documents::get).toList();
    }

    /** The query's vector, as the encoder gives it. */
    public float[] embed(String text) {
        return encoder.encode(List.of(text))[0];
    }

    /** The vectors have unit length (normalised in the graph or by the encoder), so the dot product is the cosine. */
    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
