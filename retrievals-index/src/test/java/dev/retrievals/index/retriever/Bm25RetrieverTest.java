package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.index.store.CorpusStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BM25 order and scores against the formula computed here: k1 1.2, b 0.75,
 * {@code idf = ln(1 + (N − n + 0.5) / (n + 0.5))}, {@code tf / (tf + k1 (1 − b + b dl / avgdl))},
 * summed over the query's terms (repeats count). Documents are short, so Lucene's one-byte length
 * is exact; scores are compared with a float tolerance and the order exactly.
 */
class Bm25RetrieverTest {
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    @TempDir
    Path dir;

    /** Every document that shares a term with the query, ranked by the formula; ties to the lower position. */
    private static List<SearchHit> formula(List<List<String>> documents, List<String> query) {
        int n = documents.size();
        double averageLength = documents.stream().mapToInt(List::size).average().orElseThrow();
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (List<String> document : documents) {
            document.stream().distinct().forEach(term -> documentFrequency.merge(term, 1, Integer::sum));
        }
        List<SearchHit> hits = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            List<String> document = documents.get(d);
            double score = 0;
            boolean matched = false;
            for (String term : query) {
                long tf = document.stream().filter(term::equals).count();
                if (tf == 0) {
                    continue;
                }
                matched = true;
                int df = documentFrequency.get(term);
                double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
                score += idf * tf / (tf + K1 * (1 - B + B * document.size() / averageLength));
            }
            if (matched) {
                hits.add(new SearchHit(d, score));
            }
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparingInt(SearchHit::document));
        return hits;
    }

    private static void assertMatchesFormula(List<SearchHit> actual, List<SearchHit> expected) {
        assertThat(actual).extracting(SearchHit::document).containsExactlyElementsOf(expected.stream().map(SearchHit::document).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).score()).isCloseTo(expected.get(i).score(), org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
    }

    @Test
    void englishScoresAndOrderFollowTheFormula() {
        // lower-case words separated by spaces: the standard analyzer's terms are the words
        List<String> texts = List.of(
                "the cat sat on the mat",
                "a dog chased the cat around the yard",
                "cats and dogs are friends",
                "the quick brown fox jumps over the lazy dog",
                "dog dog dog barks at night",
                "an unrelated sentence about weather");
        List<List<String>> documents = texts.stream().map(text -> List.of(text.split(" "))).toList();
        List<String> queries = List.of("cat dog", "the dog dog", "fox", "weather night cat", "nothing matches here");
        try (CorpusStore store = TestCorpora.ofTexts(dir.resolve("store"), texts);
                SearchIndex index = Bm25Retriever.withAnalyzer("standard").index(store)) {
            List<List<SearchHit>> results = index.search(SearchQueries.ofTexts(queries), 10);
            for (int q = 0; q < queries.size(); q++) {
                assertMatchesFormula(results.get(q), formula(documents, List.of(queries.get(q).split(" "))));
            }
            assertThat(results.get(4)).isEmpty();
            assertThat(index.search(SearchQueries.ofTexts(List.of("dog")), 2).get(0)).hasSize(2);
        }
    }

    @Test
    void chineseIsSegmentedBySmartcnAndScoredByTheFormula() throws IOException {
        List<String> texts = List.of("我喜欢北京天安门", "今天天气很好", "北京的天气今天很好", "我们去上海看看", "天气预报说明天下雨");
        List<String> queries = List.of("北京天气", "今天很好", "上海");
        List<List<String>> documents = new ArrayList<>();
        try (Analyzer reference = new SmartChineseAnalyzer()) {
            for (String text : texts) {
                documents.add(terms(reference, text));
            }
            try (CorpusStore store = TestCorpora.ofTexts(dir.resolve("store"), texts);
                    SearchIndex index = Bm25Retriever.withAnalyzer("smartcn").index(store)) {
                List<List<SearchHit>> results = index.search(SearchQueries.ofTexts(queries), 10);
                for (int q = 0; q < queries.size(); q++) {
                    List<String> queryTerms = terms(reference, queries.get(q));
                    assertThat(queryTerms).isNotEmpty();
                    assertMatchesFormula(results.get(q), formula(documents, queryTerms));
                }
                assertThat(results.get(0)).isNotEmpty();
            }
        }
    }

    private static List<String> terms(Analyzer analyzer, String text) throws IOException {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return terms;
    }

    @Test
    void anUnknownAnalyzerOrRetrieverIsNamedWithWhatIsAllowed() {
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.RETRIEVER, "bm25", Map.of("analyzer", "klingon")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("Option 'analyzer' of retriever 'bm25' is 'klingon'; allowed: one of standard, english, smartcn");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.RETRIEVER, "faiss"))
                .hasMessageContaining("faiss").hasMessageContaining("bm25").hasMessageContaining("exact")
                .hasMessageContaining("hnsw").hasMessageContaining("hybrid");
        assertThat(Arrays.asList(PluginRegistry.global().names(PluginKinds.RETRIEVER).toArray()))
                .contains("bm25", "exact", "hnsw", "hybrid");
    }
}
