package dev.retrievals.index.retriever;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * Lexical search with Lucene's BM25 ({@code k1} 1.2, {@code b} 0.75 by default): each document's
 * text is analysed ({@code standard}, {@code english} or {@code smartcn}) into an on-disk Lucene
 * index, built once per corpus and settings. A query's terms, analysed the same way, are each a
 * clause boosted by how often the term occurs in the query, so the score is
 * {@code Σ over query terms of idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))} with Lucene's
 * {@code idf = ln(1 + (N − n + 0.5) / (n + 0.5))} (Lucene keeps each document's length in one
 * byte, so {@code dl} is approximate for long documents). Only documents sharing a term with the
 * query are returned, so a query may get fewer than {@code k} hits.
 */
public final class Bm25Retriever implements Retriever {
    static final String NAME = "bm25";
    static final String OWNER = "retriever '" + NAME + "'";
    private static final String FIELD = "text";

    private final String analyzer;
    private final double k1;
    private final double b;

    private Bm25Retriever(String analyzer, double k1, double b) {
        this.analyzer = Analyzers.ANALYZER.check(analyzer, OWNER);
        this.k1 = Analyzers.K1.check(k1, OWNER);
        this.b = Analyzers.B.check(b, OWNER);
    }

    /** BM25 with an analyzer ({@code standard}, {@code english}, {@code smartcn}) and Lucene's default k1 1.2, b 0.75. */
    public static Bm25Retriever withAnalyzer(String analyzer) {
        return new Bm25Retriever(analyzer, Analyzers.K1.defaultValue(), Analyzers.B.defaultValue());
    }

    /** BM25 with every setting. */
    public static Bm25Retriever of(String analyzer, double k1, double b) {
        return new Bm25Retriever(analyzer, k1, b);
    }

    static Bm25Retriever fromOptions(Options options) {
        return of(options.get(Analyzers.ANALYZER), options.get(Analyzers.K1), options.get(Analyzers.B));
    }

    @Override
    public boolean usesVectors() {
        return false;
    }

    @Override
    public boolean usesTexts() {
        return true;
    }

    @Override
    public SearchIndex index(SearchCorpus corpus) {
        String settings = String.format(Locale.ROOT, "analyzer=%s k1=%s b=%s", analyzer, k1, b);
        Path folder = LuceneIndexFolder.folderFor(corpus, NAME, settings);
        BM25Similarity similarity = Analyzers.bm25(k1, b);
        Analyzer indexing = Analyzers.create(analyzer);
        DirectoryReader reader;
        try (indexing) {
            IndexWriterConfig config = new IndexWriterConfig(indexing).setSimilarity(similarity).setRAMBufferSizeMB(256);
            reader = LuceneIndexFolder.openOrBuild(folder, corpus, config, position -> {
                Document document = new Document();
                document.add(new TextField(FIELD, corpus.text(position), Field.Store.NO));
                return document;
            }, NAME + " (" + analyzer + ")");
        }
        Analyzers.allowLongQueries();
        try {
            return new LuceneSearch(reader, similarity, Analyzers.create(analyzer));
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the " + NAME + " index in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Searches an opened BM25 index. */
    private static final class LuceneSearch implements SearchIndex {
        private final DirectoryReader reader;
        private final IndexSearcher searcher;
        private final Analyzer analyzer;
        private final int[] positions;

        LuceneSearch(DirectoryReader reader, BM25Similarity similarity, Analyzer analyzer) throws IOException {
            this.reader = reader;
            this.searcher = new IndexSearcher(reader);
            this.searcher.setSimilarity(similarity);
            this.analyzer = analyzer;
            this.positions = LuceneIndexFolder.positions(reader);
        }

        @Override
        public List<List<SearchHit>> search(SearchQueries queries, int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k is " + k + "; allowed: an integer >= 1");
            }
            List<List<SearchHit>> results = new ArrayList<>(queries.size());
            for (String text : queries.requireTexts(NAME)) {
                Query query = query(text);
                if (query == null) {
                    results.add(List.of());
                    continue;
                }
                try {
                    results.add(LuceneIndexFolder.hits(searcher.search(query, Math.min(k, reader.maxDoc())).scoreDocs, positions));
                } catch (IOException e) {
                    throw new RetrievalsException("BM25 search failed: " + e.getMessage(), e);
                }
            }
            return results;
        }

        /** One clause per distinct term, boosted by the term's count in the query; null for a query without terms. */
        private Query query(String text) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String term : Analyzers.terms(analyzer, FIELD, text)) {
                counts.merge(term, 1, Integer::sum);
            }
            if (counts.isEmpty()) {
                return null;
            }
            BooleanQuery.Builder builder = new BooleanQuery.Builder();
            counts.forEach((term, count) -> {
                Query clause = new TermQuery(new Term(FIELD, term));
                builder.add(count == 1 ? clause : new BoostQuery(clause, count), BooleanClause.Occur.SHOULD);
            });
            return builder.build();
        }

        @Override
        public void close() {
            analyzer.close();
            LuceneIndexFolder.closeQuietly(reader);
        }
    }

    @Override
    public String toString() {
        return "Bm25Retriever[analyzer=" + analyzer + ", k1=" + k1 + ", b=" + b + "]";
    }
}
