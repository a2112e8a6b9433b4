package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.SearchRecall;
import dev.retrievals.index.retriever.ExactRetriever;
import dev.retrievals.index.retriever.HnswRetriever;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.Fingerprint;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.pytorch.BundledModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The mining pipeline on SciFact's real data: the whole corpus (5,183 abstracts, title and text)
 * encoded into a fresh corpus store by {@link OnnxEncoder} running the bundled all-MiniLM-L6-v2
 * (mean pooling, unit vectors, 256 tokens as sentence-transformers uses it), then its 1,109 claims
 * searched for their top 10 by the {@code exact} retriever and by {@code hnsw} with default settings,
 * each timed over several rounds; HNSW's recall@10 is the share of the exact top 10 it finds.
 *
 * <p>Settings: {@code max_length} (256), {@code batch} (32), {@code rounds} (3), {@code out};
 * {@code encode_documents} (empty: all) times the encoding of only the first that many abstracts, and
 * {@code store} (a corpus store of the whole corpus that {@code retrievals mine --store} wrote with
 * the same model and settings) is then searched instead, for runs on a busy machine where encoding
 * the corpus twice does not fit; the result names both.
 */
public final class MiningSciFactBenchmark {
    private static final int K = 10;

    private MiningSciFactBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("MiningSciFactBenchmark", args).allow("max_length", "batch", "rounds", "encode_documents",
                "store", "out");
        int maxLength = settings.integer("max_length", 256);
        int batch = settings.integer("batch", 32);
        int rounds = settings.integer("rounds", 3);
        int encodeDocuments = settings.string("encode_documents", "").isEmpty() ? 0 : settings.integer("encode_documents", 0);
        String kept = settings.string("store", "");
        Path scifact = BenchData.file("scifact/corpus.jsonl").getParent();
        Path folder = StsTrainingRun.temporaryFolder();
        JsonObject result = new JsonObject();
        result.addProperty("load_average_before", Machine.describe().get("load_average").getAsString());
        try {
            BundledModel model = BundledModel.find("all-MiniLM-L6-v2").orElseThrow();
            Path modelFolder = model.writeOnnxFolder(folder.resolve("model"));
            try (OnnxEncoder encoder = OnnxEncoder.builder(modelFolder).pooling(model.pooling()).normalize(true).maxLength(maxLength)
                    .batchSize(batch).build()) {
                long start = System.nanoTime();
                CorpusSource corpus = CorpusSource.beir(scifact, true);
                try (CorpusStore encoded = CorpusStore.builder(folder.resolve("store"))
                        .encoder(encoder, Fingerprint.ofModel(model.id()) + " " + maxLength).batchSize(batch).showProgressBar(true)
                        .build(encodeDocuments > 0 ? corpus.first(encodeDocuments) : corpus);
                        CorpusStore store = kept.isEmpty() ? null : CorpusStore.open(Path.of(kept))) {
                    double encodeSeconds = (System.nanoTime() - start) / 1e9;
                    CorpusStore searched = store != null ? store : encoded;
                    if (store != null && !sameIds(store, corpus)) {
                        throw new IllegalArgumentException("store=" + kept + " does not hold SciFact's corpus (other ids or order)");
                    }
                    result.addProperty("documents", searched.size());
                    result.addProperty("documents_encoded", encoded.size());
                    result.addProperty("searched_store", store != null ? kept + " (" + store.fingerprint() + ")" : "the one encoded");
                    result.addProperty("corpus_encode_seconds", encodeSeconds);
                    result.add("corpus_docs_per_s", Stats.of(encoded.size() / encodeSeconds).toJson());
                    System.out.printf(Locale.ROOT, "corpus: %d documents in %.1f s (%.1f documents/s)%n", encoded.size(), encodeSeconds,
                            encoded.size() / encodeSeconds);

                    List<String> queries = Dataset.fromJsonl(scifact.resolve("queries.jsonl")).stream()
                            .map(row -> (String) row.get("text")).toList();
                    start = System.nanoTime();
                    SearchQueries searchQueries = SearchQueries.ofVectors(encoder.encode(queries));
                    result.addProperty("queries", queries.size());
                    result.addProperty("query_encode_seconds", (System.nanoTime() - start) / 1e9);
                    search(searched, searchQueries, rounds, result);
                }
            }
        } finally {
            StsTrainingRun.delete(folder);
        }
        result.addProperty("model", "all-MiniLM-L6-v2");
        result.addProperty("backend", "OnnxEncoder");
        result.addProperty("max_length", maxLength);
        result.addProperty("batch", batch);
        result.addProperty("k", K);
        result.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    /** Whether {@code folder} exists and holds anything (a store's index folder after an earlier build). */
    private static boolean hasFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code store} holds the documents of {@code corpus}, by id and in order. */
    private static boolean sameIds(CorpusStore store, CorpusSource corpus) {
        int position = 0;
        try (CorpusSource.Documents documents = corpus.open()) {
            while (documents.hasNext()) {
                if (position >= store.size() || !store.id(position++).equals(documents.next().id())) {
                    return false;
                }
            }
        }
        return position == store.size();
    }

    /** Exact and HNSW (default settings) searches of every query, timed round by round, and HNSW's recall against exact. */
    private static void search(CorpusStore store, SearchQueries queries, int rounds, JsonObject result) {
        List<Double> exactRates = new ArrayList<>();
        List<Double> hnswRates = new ArrayList<>();
        List<List<SearchHit>> exact = null;
        List<List<SearchHit>> approximate = null;
        boolean reused = hasFiles(store.indexFolder());
        long start = System.nanoTime();
        try (SearchIndex exactIndex = ExactRetriever.create().index(store); SearchIndex hnswIndex = HnswRetriever.create().index(store)) {
            result.addProperty("hnsw_build_seconds", (System.nanoTime() - start) / 1e9);
            result.addProperty("hnsw_index_reused", reused); // a store keeps its index: then the time is opening it
            for (int round = 1; round <= rounds; round++) {
                start = System.nanoTime();
                exact = exactIndex.search(queries, K);
                exactRates.add(queries.size() / ((System.nanoTime() - start) / 1e9));
                start = System.nanoTime();
                approximate = hnswIndex.search(queries, K);
                hnswRates.add(queries.size() / ((System.nanoTime() - start) / 1e9));
                System.out.printf(Locale.ROOT, "round %d: exact %.0f queries/s, hnsw %.0f queries/s%n", round, exactRates.get(round - 1),
                        hnswRates.get(round - 1));
            }
        }
        result.add("exact_queries_per_s", Stats.of(exactRates).toJson());
        result.add("hnsw_queries_per_s", Stats.of(hnswRates).toJson());
        result.addProperty("hnsw_recall_at_10", SearchRecall.of(exact, approximate));
        result.addProperty("hnsw_settings", HnswRetriever.create().toString());
    }
}
