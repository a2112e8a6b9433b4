package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.VectorTextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hybrid search is the reciprocal-rank fusion, computed here, of the exact and BM25 rankings. */
class HybridRetrieverTest {
    @TempDir
    Path dir;

    @Test
    void fusedScoresAreTheSumOfReciprocalRanks() {
        float[][] vectors = TestCorpora.gaussian(30, 6, 21);
        String[] words = {"alpha", "beta", "gamma", "delta", "epsilon"};
        List<CorpusDocument> documents = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            // the text spells the vector (for the encoder) and adds words (for BM25)
            documents.add(new CorpusDocument("d" + i, VectorTextEncoder.text(vectors[i]) + " " + words[i % 5] + " " + words[i % 3]));
        }
        float[][] queryVectors = TestCorpora.gaussian(2, 6, 22);
        List<String> queryTexts = List.of("alpha gamma", "delta");
        try (CorpusStore store = CorpusStore.builder(dir.resolve("store")).encoder(new WordsIgnoringEncoder(6), "words")
                .build(CorpusSource.of(documents))) {
            SearchQueries queries = new SearchQueries(queryTexts, queryVectors);
            List<List<SearchHit>> dense;
            List<List<SearchHit>> lexical;
            try (SearchIndex exact = ExactRetriever.create().index(store);
                    SearchIndex bm25 = Bm25Retriever.withAnalyzer("standard").index(store)) {
                dense = exact.search(queries, 8);
                lexical = bm25.search(queries, 8);
            }
            HybridRetriever hybrid = HybridRetriever.of(ExactRetriever.create(), Bm25Retriever.withAnalyzer("standard"), 60, 8);
            try (SearchIndex index = hybrid.index(store)) {
                List<List<SearchHit>> fused = index.search(queries, 5);
                for (int q = 0; q < 2; q++) {
                    Map<Integer, Double> expected = new HashMap<>();
                    for (List<SearchHit> list : List.of(dense.get(q), lexical.get(q))) {
                        for (int rank = 0; rank < list.size(); rank++) {
                            expected.merge(list.get(rank).document(), 1.0 / (60 + rank + 1), Double::sum);
                        }
                    }
                    List<Map.Entry<Integer, Double>> ranked = new ArrayList<>(expected.entrySet());
                    ranked.sort(Comparator.comparing(Map.Entry<Integer, Double>::getValue).reversed()
                            .thenComparing(Map.Entry::getKey));
                    assertThat(fused.get(q)).hasSize(5);
                    for (int i = 0; i < 5; i++) {
                        assertThat(fused.get(q).get(i).document()).isEqualTo(ranked.get(i).getKey());
                        assertThat(fused.get(q).get(i).score()).isCloseTo(ranked.get(i).getValue(), Offset.offset(1e-12));
                    }
                }
            }
        }
    }

    /** Reads the vector spelled at the start of a text and ignores the words after it. */
    private static final class WordsIgnoringEncoder extends dev.retrievals.index.store.ForwardingEncoder {
        WordsIgnoringEncoder(int dimension) {
            super(new VectorTextEncoder(dimension), text -> {
                String[] parts = text.split(" ");
                StringBuilder vector = new StringBuilder("v");
                for (int i = 1; i < parts.length && !Character.isLetter(parts[i].charAt(0)); i++) {
                    vector.append(' ').append(parts[i]);
                }
                return vector.toString();
            });
        }
    }
}
