package dev.retrievals.bench;

import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Section 9 of {@code docs/benchmarks.md}: corpus encoding, exact and HNSW search on SciFact's real
 * vectors ({@link MiningSciFactBenchmark}) and on 1,000,000 random vectors
 * ({@link MiningMillionBenchmark}); its headline figures go under {@code mining} in
 * {@code benchmarks.json}.
 */
final class MiningSection {
    /** The result names of the two benchmarks. */
    static final String SCIFACT = "mining_scifact";
    static final String MILLION = "mining_1m";

    private final JsonObject scifact;
    private final JsonObject million;

    MiningSection(JsonObject scifact, JsonObject million) {
        this.scifact = scifact;
        this.million = million;
    }

    /** The section's headline rows (figure, median with range, target column empty) for the table at the top of the page. */
    void headlineRows(Consumer<String> line) {
        if (scifact != null) {
            line.accept(SectionText.headlineRow("mining.corpus_docs_per_s", Stats.fromJson(scifact.getAsJsonObject("corpus_docs_per_s")).format("%.1f")));
            line.accept(SectionText.headlineRow("mining.hnsw_recall_at_10", String.format(Locale.ROOT, "%.4f", scifact.get("hnsw_recall_at_10").getAsDouble())));
            line.accept(SectionText.headlineRow("mining.hnsw_queries_per_s", Stats.fromJson(scifact.getAsJsonObject("hnsw_queries_per_s")).format("%.0f")));
            line.accept(SectionText.headlineRow("mining.exact_queries_per_s", Stats.fromJson(scifact.getAsJsonObject("exact_queries_per_s")).format("%.0f")));
        }
        if (million != null) {
            line.accept(SectionText.headlineRow("mining.peak_rss_mb_1m", String.format(Locale.ROOT, "%.0f", million.get("peak_rss_mb").getAsDouble())));
        }
    }

    /**
     * Writes the section and fills {@code headline} (the {@code mining} object) and {@code stats};
     * {@code runLine} writes the line naming the runs the figures come from.
     */
    void write(Consumer<String> line, Runnable runLine, JsonObject headline, JsonObject stats) {
        line.accept("## 9. Corpus search and hard-negative mining");
        line.accept("");
        runLine.run();
        if (scifact == null && million == null) {
            line.accept("Failed; see *Failed runs*.");
            line.accept("");
            return;
        }
        if (scifact != null) {
            scifact(line, headline, stats);
        }
        if (million != null) {
            million(line, headline, stats);
        }
    }

    private void scifact(Consumer<String> line, JsonObject headline, JsonObject stats) {
        JsonObject r = scifact;
        int encoded = r.has("documents_encoded") ? r.get("documents_encoded").getAsInt() : r.get("documents").getAsInt();
        String encoding = encoded == r.get("documents").getAsInt() ? "SciFact's corpus (%d abstracts, title and text) encoded into a fresh"
                : String.format(Locale.ROOT, "the first %,d of SciFact's %%d abstracts (title and text) encoded, for the speed figure, into a"
                        + " fresh", encoded);
        String searched = encoded == r.get("documents").getAsInt() ? ""
                : " (the whole corpus's vectors from the kept store " + r.get("searched_store").getAsString().replaceAll(" \\(.*", "")
                        + ", written by `retrievals mine --store` with the same model and settings)";
        line.accept(String.format(Locale.ROOT, "`MiningSciFactBenchmark`: " + encoding
                + " corpus store by `OnnxEncoder` (bundled all-MiniLM-L6-v2, mean pooling, unit vectors, %d tokens, batch %d), then its"
                + " %d claims searched" + searched + " for their top %d, %d rounds each, by `exact` and by `hnsw` with default settings (%s). Load"
                + " average before %s, after %s.", r.get("documents").getAsInt(), r.get("max_length").getAsInt(), r.get("batch").getAsInt(),
                r.get("queries").getAsInt(), r.get("k").getAsInt(), Stats.fromJson(r.getAsJsonObject("exact_queries_per_s")).count(),
                r.get("hnsw_settings").getAsString(), SectionText.oneMinuteLoad(r, "load_average_before"), SectionText.oneMinuteLoad(r, "load_average_after")));
        line.accept("");
        line.accept("| figure | value |");
        line.accept("|---|---|");
        line.accept(String.format(Locale.ROOT, "| corpus encoding, documents/s (one pass of %,d: %.0f s) | **%s** |", encoded, r.get("corpus_encode_seconds").getAsDouble(),
                put(stats, headline, "corpus_docs_per_s", r).format("%.1f")));
        line.accept("| exact search, queries/s | **" + put(stats, headline, "exact_queries_per_s", r).format("%.0f") + "** |");
        line.accept("| HNSW search, queries/s | **" + put(stats, headline, "hnsw_queries_per_s", r).format("%.0f") + "** |");
        tableRow(line, "HNSW recall@10 against exact", "%.4f", r.get("hnsw_recall_at_10").getAsDouble(), true);
        boolean reused = r.has("hnsw_index_reused") && r.get("hnsw_index_reused").getAsBoolean();
        tableRow(line, reused ? "HNSW index opened (built by an earlier run, kept in the store), s" : "HNSW index build, s", "%.1f",
                r.get("hnsw_build_seconds").getAsDouble(), false);
        headline.addProperty("hnsw_recall_at_10", r.get("hnsw_recall_at_10").getAsDouble());
        if (!reused) {
            headline.addProperty("hnsw_build_seconds", r.get("hnsw_build_seconds").getAsDouble());
        }
        line.accept("");
        line.accept("**What limits it.** Encoding is the transformer on the shared cores (the other figures are small next to it: the"
                + " whole mining run on SciFact is the corpus encoding plus seconds). Exact search reads every vector once per batch of"
                + " queries and sums dot products in double; HNSW visits a few hundred nodes per query, so its advantage grows with the"
                + " corpus and is small on 5,183 documents. **Speed figures were taken on the shared machine** (the load averages"
                + " above); memory figures are not affected.");
        line.accept("");
    }

    private void million(Consumer<String> line, JsonObject headline, JsonObject stats) {
        JsonObject r = million;
        JsonObject memory = r.getAsJsonObject("memory");
        boolean hnsw = r.has("hnsw_build_seconds");
        String searches = hnsw ? String.format(Locale.ROOT, "%d random queries searched by `hnsw` (default settings), the first %d also by"
                + " `exact` as the ground truth, top %d. Random vectors have no cluster structure, the hard case for HNSW.",
                r.get("queries").getAsInt(), r.get("exact_queries").getAsInt(), r.get("k").getAsInt())
                : String.format(Locale.ROOT, "%d random queries searched by `exact`, top %d; HNSW was not run (`hnsw=false`: its build"
                        + " takes hours for a million vectors on the shared machine).", r.get("exact_queries").getAsInt(), r.get("k").getAsInt());
        line.accept(String.format(Locale.ROOT, "`MiningMillionBenchmark`: %,d random unit vectors of %d dimensions in a corpus store, a JVM with a"
                + " %d MB heap; %s Load average before %s, after %s.", r.get("documents").getAsInt(), r.get("dimension").getAsInt(),
                r.get("max_heap_mb").getAsInt(), searches, SectionText.oneMinuteLoad(r, "load_average_before"), SectionText.oneMinuteLoad(r, "load_average_after")));
        line.accept("");
        line.accept("| figure | value |");
        line.accept("|---|---|");
        line.accept(String.format(Locale.ROOT, "| writing the store (vectors drawn, normalised, forced to disk), s | %.0f |",
                r.get("store_write_seconds").getAsDouble()));
        line.accept("| exact search, queries/s | **" + Stats.fromJson(r.getAsJsonObject("exact_queries_per_s")).format("%.2f") + "** |");
        if (hnsw) {
            tableRow(line, "HNSW index build, s", "%.0f", r.get("hnsw_build_seconds").getAsDouble(), true);
            line.accept("| HNSW search, queries/s | **" + Stats.fromJson(r.getAsJsonObject("hnsw_queries_per_s")).format("%.0f") + "** |");
            tableRow(line, "HNSW recall@10 against exact", "%.4f", r.get("hnsw_recall_at_10").getAsDouble(), true);
            headline.addProperty("hnsw_build_seconds_1m", r.get("hnsw_build_seconds").getAsDouble());
            headline.addProperty("hnsw_recall_at_10_1m", r.get("hnsw_recall_at_10").getAsDouble());
            headline.addProperty("hnsw_queries_per_s_1m", Stats.fromJson(r.getAsJsonObject("hnsw_queries_per_s")).median());
        }
        tableRow(line, "peak resident memory (kernel high-water mark), MB", "%.0f", r.get("peak_rss_mb").getAsDouble(), true);
        tableRow(line, "of which at most anonymous (heap, native), MB", "%.0f", r.get("peak_anonymous_mb").getAsDouble(), false);
        tableRow(line, "of which at most mapped file pages (store, index), MB", "%.0f", r.get("peak_file_mb").getAsDouble(), false);
        line.accept(String.format(Locale.ROOT, "| anonymous MB after exact search of %d queries / of %d queries | %.0f / %.0f |", r.get("few_queries").getAsInt(),
                r.get("exact_queries").getAsInt(), memory.getAsJsonObject("after_exact_few_queries").get("anonymous_mb").getAsDouble(),
                memory.getAsJsonObject("after_exact_many_queries").get("anonymous_mb").getAsDouble()));
        line.accept(String.format(Locale.ROOT, "| a query × corpus score matrix for those %d queries would take, MB | %.0f |", r.get("exact_queries").getAsInt(),
                r.get("score_matrix_mb_exact_queries").getAsDouble()));
        headline.addProperty("exact_queries_per_s_1m", Stats.fromJson(r.getAsJsonObject("exact_queries_per_s")).median());
        headline.addProperty("peak_rss_mb_1m", r.get("peak_rss_mb").getAsDouble());
        headline.addProperty("peak_anonymous_mb_1m", r.get("peak_anonymous_mb").getAsDouble());
        line.accept("");
        line.accept("**What limits it, and what the memory is.** Exact search is bound by reading 1.5 GB of vectors per batch of queries"
                + " and by the multiply-adds (384 per document per query); HNSW's build inserts every vector into the graph, searching"
                + " it with `beam_width` candidates each time, into one graph built by one worker per processor (the `threads`"
                + " option; the figure is the cores the process got). Resident memory counts the pages of the"
                + " memory-mapped store and index that were read (file pages the kernel drops under pressure) on top of the anonymous"
                + " memory (the Java heap up to its maximum, the graph being built inside it, native code); anonymous memory stays"
                + " the same whether exact search runs few queries or many, since scores are kept per block of documents and only the"
                + " best k per query survive. **Speed figures were taken on the shared machine.**");
        line.accept("");
        if (hnsw) {
            line.accept(randomVectorRecall(r.get("documents").getAsInt(), r.get("dimension").getAsInt(), r.get("k").getAsInt()));
            line.accept("");
        }
    }

    /**
     * Why HNSW recall is low on random vectors: the cosine of two random unit vectors in {@code dimension} dimensions is
     * about normal with standard deviation {@code 1/√d}, so the j-th best of {@code documents} lies near
     * {@code σ √(2 ln(n/j))} (the Gaussian tail), and the true top k are barely closer than thousands of others.
     */
    private static String randomVectorRecall(int documents, int dimension, int k) {
        double sigma = 1 / Math.sqrt(dimension);
        return String.format(Locale.ROOT, "**Why recall is low on random vectors.** The cosine of a random query with a random unit vector"
                + " in %d dimensions has a standard deviation of 1/√%d = %.3f, so the vector at rank %d of %,d lies near"
                + " σ √(2 ln(n/%d)) ≈ %.2f and the one at rank 1,000 near %.2f: every vector is almost as far from the query as the true"
                + " top %d, and a graph whose search follows neighbours of neighbours finds few of them with the default `ef_search`."
                + " Real embeddings cluster: on SciFact's vectors (above) the same defaults reach the recall of"
                + " `mining.hnsw_recall_at_10` in the table at the top."
                + " For a corpus without structure, raise `ef_search` or search it with `exact`.",
                dimension, dimension, sigma, k, documents, k, sigma * Math.sqrt(2 * Math.log((double) documents / k)),
                sigma * Math.sqrt(2 * Math.log(documents / 1000.0)), k);
    }

    /** A two-column row: {@code label} and {@code value} in {@code format}, bold for the figures the section is about. */
    private static void tableRow(Consumer<String> line, String label, String format, double value, boolean bold) {
        String cell = String.format(Locale.ROOT, format, value);
        line.accept("| " + label + " | " + (bold ? "**" + cell + "**" : cell) + " |");
    }

    /** Records {@code result[key]} as headline figure {@code mining.key}: its median, and its statistics under {@code stats}. */
    private static Stats put(JsonObject stats, JsonObject headline, String key, JsonObject result) {
        Stats value = Stats.fromJson(result.getAsJsonObject(key));
        headline.addProperty(key, value.median());
        stats.add("mining." + key, value.toJson());
        return value;
    }
}
