package dev.retrievals.index.retriever;

import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.VectorTextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Corpus stores for retriever tests: vectors chosen by the test, or texts only. */
final class TestCorpora {
    private TestCorpora() {}

    /** Random Gaussian vectors, {@code rows × dimension}, from a seeded generator. */
    static float[][] gaussian(int rows, int dimension, long seed) {
        Random random = new Random(seed);
        float[][] vectors = new float[rows][dimension];
        for (float[] vector : vectors) {
            for (int j = 0; j < dimension; j++) {
                vector[j] = (float) random.nextGaussian();
            }
        }
        return vectors;
    }

    /** A store of these vectors (document {@code i} has id {@code d<i>}). */
    static CorpusStore ofVectors(Path folder, float[][] vectors) {
        List<CorpusDocument> documents = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            documents.add(new CorpusDocument("d" + i, VectorTextEncoder.text(vectors[i])));
        }
        return CorpusStore.builder(folder).encoder(new VectorTextEncoder(vectors[0].length), "vectors").chunkSize(64)
                .build(CorpusSource.of(documents));
    }

    /** A store of texts only, for lexical retrievers. */
    static CorpusStore ofTexts(Path folder, List<String> texts) {
        List<CorpusDocument> documents = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            documents.add(new CorpusDocument("d" + i, texts.get(i)));
        }
        return CorpusStore.builder(folder).build(CorpusSource.of(documents));
    }

    /** Cosine similarity summed sequentially in double over the raw vectors (the reference). */
    static double cosine(float[] a, float[] b) {
        return PlainVectors.cosine(a, b);
    }
}
