package dev.retrievals.index.retriever;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;
import dev.retrievals.core.spi.OptionSpec;

/** The text analyzers of the lexical retrievers, by option value, and the BM25 options they share. */
final class Analyzers {
    /** The analyzer of documents and queries. */
    static final OptionSpec<String> ANALYZER = OptionSpec.ofChoice("analyzer", "standard",
            "text analysis: standard (Unicode word breaks, lower case; English and most languages with spaces), english (standard"
                    + " plus English stop words and Porter stemming), smartcn (Chinese word segmentation)",
            "standard", "english", "smartcn");
    /** BM25's term-frequency saturation. */
    static final OptionSpec<Double> K1 = OptionSpec.ofDouble("k1", 1.2, "BM25 term-frequency saturation").atLeast(0);
    /** BM25's document-length normalisation. */
    static final OptionSpec<Double> B = OptionSpec.ofDouble("b", 0.75, "BM25 document-length normalisation").atLeast(0).atMost(1);

    private Analyzers() {}

    /** A new analyzer for an option value of {@link #ANALYZER}. */
    static Analyzer create(String name) {
        return switch (name) {
            case "standard" -> new StandardAnalyzer();
            case "english" -> new EnglishAnalyzer();
            case "smartcn" -> new SmartChineseAnalyzer();
            default -> throw new IllegalArgumentException("Unknown analyzer '" + name + "'; allowed: standard, english, smartcn");
        };
    }

    /** The BM25 similarity of Lucene with these parameters. */
    static BM25Similarity bm25(double k1, double b) {
        return new BM25Similarity((float) k1, (float) b);
    }

    /** The terms an analyzer makes of a text, in order, repeats kept. */
    static List<String> terms(Analyzer analyzer, String field, String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    /** Lets a query have as many distinct terms as a long text may (Lucene's default is 1024 clauses). */
    static void allowLongQueries() {
        if (IndexSearcher.getMaxClauseCount() < 1 << 16) {
            IndexSearcher.setMaxClauseCount(1 << 16);
        }
    }
}
