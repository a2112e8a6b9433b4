package dev.retrievals.index.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus store: a .npy file NumPy's format description reads (parsed here from the
 * specification), documents and hashes, resumption with identical vectors, reuse by fingerprint,
 * and bad input that leaves nothing half-written.
 */
class CorpusStoreTest {
    @TempDir
    Path dir;

    private static List<CorpusDocument> documents(int count, int dimension, long seed) {
        Random random = new Random(seed);
        List<CorpusDocument> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] vector = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                vector[j] = (float) random.nextGaussian();
            }
            documents.add(new CorpusDocument("doc-" + i, VectorTextEncoder.text(vector)));
        }
        return documents;
    }

    @Test
    void vectorsAreANumpyMatrixOfUnitVectorsAndDocumentsKeepTheirIdsAndTexts() throws IOException {
        List<CorpusDocument> documents = new ArrayList<>(documents(50, 7, 1));
        documents.add(new CorpusDocument("same-as-3", documents.get(3).text()));
        documents.add(new CorpusDocument("中文", "v 1 0 0 0 0 0 \"0\"".replace("\"0\"", "0")));
        VectorTextEncoder encoder = new VectorTextEncoder(7);
        try (CorpusStore store = CorpusStore.builder(dir.resolve("store")).encoder(encoder, "m").chunkSize(16).batchSize(5)
                .build(CorpusSource.of(documents))) {
            assertThat(store.size()).isEqualTo(52);
            assertThat(store.dimension()).isEqualTo(7);
            float[][] expected = encoder.encode(documents.stream().map(CorpusDocument::text).toList());
            float[][] npy = PlainVectors.readNpy(dir.resolve("store/vectors.npy"));
            assertThat(npy.length).isEqualTo(52);
            for (int i = 0; i < 52; i++) {
                assertThat(npy[i]).containsExactly(PlainVectors.unit(expected[i]));
                assertThat(store.vector(i)).containsExactly(PlainVectors.unit(expected[i]));
                assertThat(store.document(i)).isEqualTo(documents.get(i));
            }
            assertThat(store.textHash(50)).isEqualTo(store.textHash(3)).isEqualTo(CorpusStore.textHash(documents.get(3).text()));
            assertThat(store.textHash(4)).isNotEqualTo(store.textHash(3));
            assertThat(store.positionsOf(java.util.Set.of("doc-7", "中文", "missing"))).isEqualTo(Map.of("doc-7", 7, "中文", 51));
        }
    }

    /** An encoder that fails on its {@code failAt}-th call, as a crash part-way through a corpus would. */
    private static final class FailingEncoder extends ForwardingEncoder {
        private final int failAt;
        private int calls;

        FailingEncoder(TextEncoder delegate, int failAt) {
            super(delegate, text -> text);
            this.failAt = failAt;
        }

        @Override
        public float[][] encode(List<String> texts) {
            if (++calls == failAt) {
                throw new IllegalStateException("simulated crash");
            }
            return super.encode(texts);
        }
    }

    @Test
    void anInterruptedEncodingResumesFromTheWrittenChunksToIdenticalVectors() throws IOException {
        List<CorpusDocument> documents = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            documents.add(new CorpusDocument("d" + i, "document number " + i + " about " + (i % 7 == 0 ? "cats" : "dogs and more")));
        }
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 5);
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            Path whole = dir.resolve("whole");
            CorpusStore.builder(whole).encoder(encoder, "tiny").chunkSize(16).batchSize(4).build(CorpusSource.of(documents)).close();

            Path resumed = dir.resolve("resumed");
            // chunk 0 is 4 calls of 4 texts, chunk 1 another 4: the 7th call fails inside chunk 1
            assertThatThrownBy(() -> CorpusStore.builder(resumed).encoder(new FailingEncoder(encoder, 7), "tiny").chunkSize(16)
                    .batchSize(4).build(CorpusSource.of(documents))).hasMessageContaining("simulated crash");
            assertThat(Files.readString(resumed.resolve("progress.json"))).contains("\"encoded\":16");
            assertThatThrownBy(() -> CorpusStore.open(resumed)).hasMessageContaining("incomplete: 16 of 70 documents encoded");

            CountingEncoder counting = new CountingEncoder(encoder);
            CorpusStore.builder(resumed).encoder(counting, "tiny").chunkSize(16).batchSize(4).build(CorpusSource.of(documents)).close();
            assertThat(counting.texts).as("only the unfinished chunks are encoded again").isEqualTo(70 - 16);
            assertThat(Files.readAllBytes(resumed.resolve("vectors.npy"))).isEqualTo(Files.readAllBytes(whole.resolve("vectors.npy")));

            CountingEncoder reuse = new CountingEncoder(encoder);
            CorpusStore.builder(resumed).encoder(reuse, "tiny").chunkSize(16).batchSize(4).build(CorpusSource.of(documents)).close();
            assertThat(reuse.texts).as("a finished store of the same corpus and model is reused").isZero();

            CountingEncoder otherModel = new CountingEncoder(encoder);
            CorpusStore.builder(resumed).encoder(otherModel, "another model").chunkSize(16).batchSize(4)
                    .build(CorpusSource.of(documents)).close();
            assertThat(otherModel.texts).as("another model fingerprint encodes again").isEqualTo(70);
        }
    }

    /** Counts the texts it encodes. */
    private static final class CountingEncoder extends ForwardingEncoder {
        int texts;

        CountingEncoder(TextEncoder delegate) {
            super(delegate, text -> text);
        }

        @Override
        public float[][] encode(List<String> batch) {
            texts += batch.size();
            return super.encode(batch);
        }

        @Override
        public void close() {}
    }

    @Test
    void badInputGetsOneClearLineAndLeavesNothingHalfWritten() throws IOException {
        VectorTextEncoder encoder = new VectorTextEncoder(3);
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> CorpusStore.builder(dir.resolve("store")).encoder(encoder, "m").build(CorpusSource.jsonl(empty, true, true)))
                .isInstanceOf(RetrievalsException.class).hasMessage(empty + " has no documents; expected at least one");

        Path noText = dir.resolve("corpus.jsonl");
        Files.writeString(noText, "{\"id\": \"a\", \"text\": \"v 1 2 3\"}\n{\"id\": \"b\", \"body\": \"v 1 2 3\"}\n");
        assertThatThrownBy(() -> CorpusStore.builder(dir.resolve("store")).encoder(encoder, "m").build(CorpusSource.jsonl(noText, true, true)))
                .hasMessageContaining(noText + " row 2: column 'text' not found; columns present: [id, body]");

        Path noId = dir.resolve("no-id.jsonl");
        Files.writeString(noId, "{\"text\": \"v 1 2 3\"}\n");
        assertThatThrownBy(() -> CorpusStore.builder(dir.resolve("store")).encoder(encoder, "m").build(CorpusSource.beir(dir, true)))
                .hasMessageContaining("corpus.jsonl");
        assertThatThrownBy(() -> CorpusStore.builder(dir.resolve("store")).encoder(encoder, "m").build(CorpusSource.jsonl(noId, true, true)))
                .hasMessageContaining(noId + " row 1: column 'id' (or '_id') not found");

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("empty.jsonl", "corpus.jsonl", "no-id.jsonl");
        }

        Path foreign = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> CorpusStore.builder(foreign).encoder(encoder, "m").build(CorpusSource.of(documents(3, 3, 2))))
                .hasMessageContaining(foreign + " exists and is not a corpus store");
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("keep me");
        assertThatThrownBy(() -> CorpusStore.open(foreign)).hasMessage(foreign + " is not a corpus store (no store.json)");
    }
}
