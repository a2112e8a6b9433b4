package dev.retrievals.index.mining;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.index.retriever.ExactRetriever;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.CorpusStoreBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mines hard negatives for (query, positive) data, with the semantics of sentence-transformers'
 * {@code mine_hard_negatives} where the names are shared. The corpus is encoded once into a
 * {@link CorpusStore} (reused when corpus and model match), the queries search it with a
 * {@link Retriever} ({@code exact} by default), and each query's candidates go through, in order:
 *
 * <ol>
 *   <li>false-negative filters: a known positive, by id or position ({@code positive_id}), a document
 *       whose text equals a positive's ({@code positive_text}), a text already seen in this query's
 *       list ({@code duplicate_text}); each counts what it dropped ({@code include_positives} turns
 *       the first two off);</li>
 *   <li>the rank window: the candidates left are ranked from 0, and ranks {@code range_min} …
 *       {@code range_max − 1} are kept;</li>
 *   <li>score filters, each counting its drops: {@code absolute_margin} (keep a negative only if
 *       its score + margin ≤ the query's lowest positive score), {@code relative_margin} (its score ≤
 *       that positive score × (1 − margin)), {@code max_score}, {@code min_score};</li>
 *   <li>sampling of {@code num_negatives}: {@code top} takes the highest-scoring, {@code random}
 *       draws them without replacement (seeded per query from {@code seed}); either way the chosen
 *       negatives are listed best first.</li>
 * </ol>
 *
 * <p>Queries are encoded with the model's {@link TextEncoder#encodeQueries} and documents (the
 * corpus store) with its {@link TextEncoder#encodeDocuments}, so the model's own prompts apply, and
 * a model whose {@code include_prompt} is false leaves them out of the pooling as it does when it
 * serves; {@code query_prompt} / {@code document_prompt} put other prompts in their place (through
 * {@link TextEncoder#encodeWithPrompt}). A teacher encodes queries and documents with its own prompts
 * the same way.
 *
 * <p>Scores are the model's cosine similarities (the retriever only chooses and orders the
 * candidates, so a {@code bm25} or {@code hybrid} window is still scored by the model). With a
 * teacher, the teacher's scores of (query, positive) and (query, candidate) are used instead for
 * the windows, the margins and the sampling, and they are written out: an embedding model's cosine
 * similarities, or a reranker's (cross-encoder's) pair scores, as sentence-transformers does with
 * a cross-encoder. The written scores then train a bi-encoder by distillation (MarginMSE,
 * DistillKLDiv through the group collator's {@code with_scores}). The output is written atomically in one of the
 * {@link OutputFormat}s; an existing output path is refused.
 *
 * <p>Differences from sentence-transformers: {@code range_min} counts ranks after the
 * false-negative filters but before the score filters (sentence-transformers skips the best
 * {@code range_min} candidates left after its score filters), and candidates whose text equals a
 * positive's or an earlier candidate's are dropped rather than kept.
 */
public final class HardNegativeMiner {
    private static final Logger LOG = LoggerFactory.getLogger(HardNegativeMiner.class);
    static final String OWNER = "hard-negative miner";
    static final OptionSpec<Integer> NUM_NEGATIVES = OptionSpec.ofInt("num_negatives", 3, "negatives per query").atLeast(1);
    static final OptionSpec<Integer> RANGE_MIN =
            OptionSpec.ofInt("range_min", 0, "skip the best range_min candidates (ranks after known positives are removed, from 0)")
                    .atLeast(0);
    static final OptionSpec<Integer> RANGE_MAX =
            OptionSpec.ofInt("range_max", 1, "consider candidates up to this rank (exclusive)").atLeast(1);
    static final OptionSpec<Double> RELATIVE_MARGIN =
            OptionSpec.ofDouble("relative_margin", 0, "keep a negative only if its score <= positive score x (1 - margin)").atLeast(0)
                    .lessThan(1);
    static final OptionSpec<String> SAMPLING_STRATEGY =
            OptionSpec.ofChoice("sampling_strategy", "top", "top: the best candidates; random: drawn at random (seeded)", "top", "random");
    static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch_size", 32, "texts per encoder call").atLeast(1);
    /** Queries searched together. */
    private static final int QUERY_BLOCK = 256;

    private final TextEncoder model;
    private final String modelFingerprint;
    private final Retriever retriever;
    private final NegativeSelection rules;
    private final String queryPrompt;
    private final String documentPrompt;
    private final int batchSize;
    private final TextEncoder teacher;
    private final PairScorer pairTeacher;
    private final OutputFormat format;
    private final Boolean includeScores;
    private final Path storeFolder;
    private final boolean showProgressBar;

    private HardNegativeMiner(Builder builder) {
        this.model = builder.model;
        this.modelFingerprint = builder.modelFingerprint;
        this.retriever = builder.retriever;
        this.rules = builder.rules.build();
        this.queryPrompt = builder.queryPrompt;
        this.documentPrompt = builder.documentPrompt;
        this.batchSize = builder.batchSize;
        this.teacher = builder.teacher;
        this.pairTeacher = builder.pairTeacher;
        this.format = builder.format;
        this.includeScores = builder.includeScores;
        this.storeFolder = builder.storeFolder;
        this.showProgressBar = builder.showProgressBar;
    }

    /**
     * A builder for a model that embeds queries and documents (an {@code OnnxEncoder}, an
     * {@code AutoModelForEmbedding}, any {@link TextEncoder}) and its fingerprint (see
     * {@code Fingerprint.ofModel}), which decides when a stored corpus encoding can be reused.
     */
    public static Builder builder(TextEncoder model, String modelFingerprint) {
        return new Builder(model, modelFingerprint);
    }

    /** The selection rules (filters, window, sampling) this miner applies to each query's candidates. */
    public NegativeSelection rules() {
        return rules;
    }

    /**
     * Mines negatives for the input and writes them to {@code output}.
     *
     * @return what was mined, dropped and how long each phase took
     * @throws IllegalArgumentException or {@link RetrievalsException} with one clear line for bad
     *     input (the output exists, a column is missing, the corpus is empty, a qrel names a missing
     *     document …); nothing is written then
     */
    public MiningSummary mine(MiningInput input, Path output) {
        Path target = output.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new IllegalArgumentException("Output " + target + " exists; choose a new path (the miner never overwrites a file)");
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        Phase phase = new Phase(seconds);
        MiningInput.Prepared prepared = input.prepare();
        phase.done("read");
        Path folder = storeFolder;
        boolean temporaryStore = folder == null;
        try {
            if (temporaryStore) {
                folder = Files.createTempDirectory("retrievals-mining-store-").resolve("store");
            }
            CorpusStoreBuilder storeBuilder = CorpusStore.builder(folder).encoder(model, modelFingerprint);
            if (documentPrompt != null) {
                storeBuilder.prompt(documentPrompt);
            }
            try (CorpusStore store = storeBuilder.batchSize(batchSize).showProgressBar(showProgressBar).build(prepared.corpus())) {
                phase.done("encode_corpus");
                return mine(prepared, store, target, phase);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot create a folder for the corpus store: " + e.getMessage(), e);
        } finally {
            if (temporaryStore && folder != null) {
                AtomicFolder.deleteQuietly(folder.getParent());
            }
        }
    }

    private MiningSummary mine(MiningInput.Prepared prepared, CorpusStore store, Path target, Phase phase) {
        List<String> queries = prepared.queries();
        List<int[]> positives = positivePositions(prepared, store);
        phase.done("resolve_positives");
        float[][] queryVectors = encode(queryPrompt == null ? model::encodeQueries : texts -> model.encodeWithPrompt(texts, queryPrompt),
                queries, "queries");
        double[][] positiveScores = new double[queries.size()][];
        for (int q = 0; q < queries.size(); q++) {
            float[] unit = Vectors.unit(queryVectors[q]);
            positiveScores[q] = new double[positives.get(q).length];
            for (int p = 0; p < positives.get(q).length; p++) {
                positiveScores[q][p] = Vectors.dot(unit, store.vector(positives.get(q)[p]));
            }
        }
        phase.done("encode_queries");
        float[][] teacherQueries = null;
        if (teacher != null) {
            teacherQueries = encode(teacher::encodeQueries, queries, "queries (teacher)");
            List<String> positiveTexts = new ArrayList<>();
            positives.forEach(list -> {
                for (int position : list) {
                    positiveTexts.add(store.text(position));
                }
            });
            float[][] teacherPositives = encode(teacher::encodeDocuments, positiveTexts, "positives (teacher)");
            int next = 0;
            for (int q = 0; q < queries.size(); q++) {
                for (int p = 0; p < positives.get(q).length; p++) {
                    positiveScores[q][p] = Vectors.cosine(teacherQueries[q], teacherPositives[next++]);
                }
            }
            phase.done("teacher_positives");
        } else if (pairTeacher != null) {
            List<String> pairQueries = new ArrayList<>();
            List<String> pairDocuments = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                for (int position : positives.get(q)) {
                    pairQueries.add(queries.get(q));
                    pairDocuments.add(store.text(position));
                }
            }
            float[] scored = pairTeacher.score(pairQueries, pairDocuments);
            int next = 0;
            for (int q = 0; q < queries.size(); q++) {
                for (int p = 0; p < positives.get(q).length; p++) {
                    positiveScores[q][p] = scored[next++];
                }
            }
            phase.done("teacher_positives");
        }
        boolean hasTeacher = teacher != null || pairTeacher != null;
        CandidateSelection selection = rules.start();
        boolean scores = includeScores != null ? includeScores : hasTeacher;
        try (SearchIndex index = retriever.index(store)) {
            phase.done("index");
            try (MinedRowWriter writer = MinedRowWriter.open(target, format, scores);
                    ProgressBar progress = new ProgressBar("mine", queries.size(), showProgressBar)) {
                for (int first = 0; first < queries.size(); first += QUERY_BLOCK) {
                    int count = Math.min(QUERY_BLOCK, queries.size() - first);
                    List<List<CandidateSelection.Candidate>> windows =
                            windows(index, store, queries, queryVectors, positives, selection, first, count);
                    Map<Long, Double> teacherScores = teacher != null ? teacherScores(store, windows, teacherQueries, first)
                            : pairTeacher != null ? pairTeacherScores(store, windows, queries, first) : Map.of();
                    for (int i = 0; i < count; i++) {
                        int q = first + i;
                        float[] unit = Vectors.unit(queryVectors[q]);
                        List<CandidateSelection.Candidate> window = windows.get(i);
                        for (CandidateSelection.Candidate candidate : window) {
                            candidate.score = !hasTeacher ? Vectors.dot(unit, store.vector(candidate.position))
                                    : teacherScores.get(key(i, candidate.position));
                        }
                        List<CandidateSelection.Candidate> chosen = selection.choose(window, positiveScores[q], q);
                        writer.write(queries.get(q), positives.get(q), positiveScores[q], chosen, store, selection);
                    }
                    progress.advance(count);
                }
                phase.done("search_and_select");
                writer.commit();
                phase.done("write");
                MiningSummary summary = writer.summary(queries.size(), prepared.queriesWithoutQrels(), selection.drops(
                        prepared.queriesWithoutPositive()), phase.seconds(), hasTeacher ? "teacher" : "model");
                LOG.info("Mined {}:\n{}", target, summary);
                return summary;
            }
        }
    }

    /** Each query's candidates after the false-negative filters, ranked, cut to the rank window. */
    private List<List<CandidateSelection.Candidate>> windows(SearchIndex index, CorpusStore store, List<String> queries,
            float[][] queryVectors, List<int[]> positives, CandidateSelection selection, int first, int count) {
        int maxPositives = 0;
        for (int i = 0; i < count; i++) {
            maxPositives = Math.max(maxPositives, positives.get(first + i).length);
        }
        int depth = rules.depth(maxPositives, store.size());
        List<String> texts = queries.subList(first, first + count);
        float[][] vectors = java.util.Arrays.copyOfRange(queryVectors, first, first + count);
        List<List<SearchHit>> hits = index.search(new SearchQueries(texts, vectors), depth);
        List<List<CandidateSelection.Candidate>> windows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int q = first + i;
            List<SearchHit> list = hits.get(i);
            int searched = depth;
            while (true) {
                CandidateSelection.Collapsed collapsed = selection.collapse(list, positives.get(q), store::textHash);
                boolean exhausted = list.size() < searched || searched >= store.size();
                if (collapsed.ranked().size() >= selection.rangeMax() || exhausted) {
                    selection.count(collapsed);
                    windows.add(selection.window(collapsed.ranked()));
                    break;
                }
                searched = (int) Math.min(store.size(), 2L * searched);
                list = index.search(new SearchQueries(List.of(texts.get(i)), new float[][] {vectors[i]}), searched).get(0);
            }
        }
        return windows;
    }

    /** The teacher's cosine of each query of the block with each of its window's candidates, by {@link #key}. */
    private Map<Long, Double> teacherScores(CorpusStore store, List<List<CandidateSelection.Candidate>> windows, float[][] teacherQueries,
            int first) {
        Set<Integer> documents = new LinkedHashSet<>();
        windows.forEach(window -> window.forEach(candidate -> documents.add(candidate.position)));
        List<Integer> ordered = new ArrayList<>(documents);
        float[][] vectors = encode(teacher::encodeDocuments, ordered.stream().map(store::text).toList(), "candidates (teacher)");
        Map<Integer, float[]> byPosition = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            byPosition.put(ordered.get(i), vectors[i]);
        }
        Map<Long, Double> scores = new HashMap<>();
        for (int i = 0; i < windows.size(); i++) {
            for (CandidateSelection.Candidate candidate : windows.get(i)) {
                scores.put(key(i, candidate.position),
                        Vectors.cosine(teacherQueries[first + i], byPosition.get(candidate.position)));
            }
        }
        return scores;
    }

    /** The pair teacher's score of each query of the block with each of its window's candidates, by {@link #key}. */
    private Map<Long, Double> pairTeacherScores(CorpusStore store, List<List<CandidateSelection.Candidate>> windows, List<String> queries,
            int first) {
        List<String> pairQueries = new ArrayList<>();
        List<String> pairDocuments = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            for (CandidateSelection.Candidate candidate : windows.get(i)) {
                pairQueries.add(queries.get(first + i));
                pairDocuments.add(store.text(candidate.position));
            }
        }
        float[] scored = pairTeacher.score(pairQueries, pairDocuments);
        Map<Long, Double> scores = new HashMap<>();
        int next = 0;
        for (int i = 0; i < windows.size(); i++) {
            for (CandidateSelection.Candidate candidate : windows.get(i)) {
                scores.put(key(i, candidate.position), (double) scored[next++]);
            }
        }
        return scores;
    }

    /** A key for (query in block, document position). */
    private static long key(int queryInBlock, int position) {
        return ((long) queryInBlock << 32) | (position & 0xFFFFFFFFL);
    }

    private List<int[]> positivePositions(MiningInput.Prepared prepared, CorpusStore store) {
        List<int[]> positions = new ArrayList<>(prepared.queries().size());
        if (prepared.positives().isEmpty()) {
            return positions;
        }
        Function<String, Integer> lookup;
        if (prepared.positives().stream().anyMatch(List::isEmpty)) {
            throw new IllegalStateException("a query without positives");
        }
        Set<String> keys = new HashSet<>();
        prepared.positives().forEach(keys::addAll);
        if (prepared.positivesById()) {
            Map<String, Integer> byIds = store.positionsOf(keys);
            lookup = byIds::get;
        } else {
            Map<Long, Integer> byHash = new HashMap<>();
            Set<Long> wanted = new HashSet<>();
            keys.forEach(text -> wanted.add(CorpusStore.textHash(text)));
            for (int document = 0; document < store.size(); document++) {
                long hash = store.textHash(document);
                if (wanted.contains(hash)) {
                    byHash.putIfAbsent(hash, document);
                }
            }
            lookup = text -> byHash.get(CorpusStore.textHash(text));
        }
        for (int q = 0; q < prepared.queries().size(); q++) {
            List<String> keysOfQuery = prepared.positives().get(q);
            int[] list = new int[keysOfQuery.size()];
            for (int p = 0; p < list.length; p++) {
                Integer position = lookup.apply(keysOfQuery.get(p));
                if (position == null) {
                    throw new IllegalArgumentException(prepared.positivesFile() + " names corpus-id '" + keysOfQuery.get(p)
                            + "' for query '" + shorten(prepared.queries().get(q)) + "', but the corpus has no such document");
                }
                list[p] = position;
            }
            positions.add(list);
        }
        return positions;
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private float[][] encode(Function<List<String>, float[][]> encoder, List<String> texts, String what) {
        try (ProgressBar progress = new ProgressBar("encode " + what, texts.size(), showProgressBar && texts.size() > batchSize)) {
            return BatchedEncoding.encode(encoder, texts, batchSize, what, progress, 0);
        }
    }

    /** Measures phases one after the other. */
    private static final class Phase {
        private final Map<String, Double> seconds;
        private long start = System.nanoTime();

        Phase(Map<String, Double> seconds) {
            this.seconds = seconds;
        }

        void done(String name) {
            long now = System.nanoTime();
            seconds.merge(name, (now - start) / 1e9, Double::sum);
            start = now;
        }

        Map<String, Double> seconds() {
            return seconds;
        }
    }

    /** Settings of a {@link HardNegativeMiner}; each value is checked as the option of the same name. */
    public static final class Builder {
        private final TextEncoder model;
        private final String modelFingerprint;
        private Retriever retriever = ExactRetriever.create();
        private NegativeSelection.Builder rules = NegativeSelection.builder();
        private String queryPrompt;
        private String documentPrompt;
        private int batchSize = BATCH_SIZE.defaultValue();
        private TextEncoder teacher;
        private PairScorer pairTeacher;
        private OutputFormat format = OutputFormat.TRIPLET;
        private Boolean includeScores;
        private Path storeFolder;
        private boolean showProgressBar;

        private Builder(TextEncoder model, String modelFingerprint) {
            this.model = Objects.requireNonNull(model, "model");
            this.modelFingerprint = Objects.requireNonNull(modelFingerprint, "modelFingerprint");
        }

        /** The retriever that finds candidates (default {@code exact}). */
        public Builder retriever(Retriever value) {
            this.retriever = Objects.requireNonNull(value, "retriever");
            return this;
        }

        /** All selection rules at once (replacing what the setters below set so far), e.g. from {@link NegativeSelectionOptions}. */
        public Builder rules(NegativeSelection.Builder value) {
            this.rules = Objects.requireNonNull(value, "rules");
            return this;
        }

        /** Negatives per query (option {@code num_negatives}, default 3). */
        public Builder numNegatives(int value) {
            rules.numNegatives(value);
            return this;
        }

        /** Candidates skipped at the top of the ranking (option {@code range_min}, default 0). */
        public Builder rangeMin(int value) {
            rules.rangeMin(value);
            return this;
        }

        /** The rank up to which candidates are considered, exclusive (option {@code range_max}; default {@code range_min + num_negatives}, times 10 with a score filter). */
        public Builder rangeMax(int value) {
            rules.rangeMax(value);
            return this;
        }

        /** Drop candidates scoring below this (option {@code min_score}). */
        public Builder minScore(double value) {
            rules.minScore(value);
            return this;
        }

        /** Drop candidates scoring above this (option {@code max_score}). */
        public Builder maxScore(double value) {
            rules.maxScore(value);
            return this;
        }

        /** Keep a negative only if its score + margin ≤ the query's lowest positive score (option {@code absolute_margin}). */
        public Builder absoluteMargin(double value) {
            rules.absoluteMargin(value);
            return this;
        }

        /** Keep a negative only if its score ≤ the query's lowest positive score × (1 − margin) (option {@code relative_margin}, in [0, 1)). */
        public Builder relativeMargin(double value) {
            rules.relativeMargin(value);
            return this;
        }

        /** {@code top} or {@code random} (option {@code sampling_strategy}, default top). */
        public Builder samplingStrategy(String value) {
            rules.samplingStrategy(value);
            return this;
        }

        /** The seed of random sampling (default 42). */
        public Builder seed(long value) {
            rules.seed(value);
            return this;
        }

        /** Keep known positives among the candidates, as sentence-transformers does for reranking evaluation sets (option {@code include_positives}). */
        public Builder includePositives(boolean value) {
            rules.includePositives(value);
            return this;
        }

        /**
         * Text put before every query when it is encoded, in place of the model's query prompt (option
         * {@code query_prompt}; "" for none; default: the model's own, {@link TextEncoder#encodeQueries}).
         */
        public Builder queryPrompt(String value) {
            this.queryPrompt = Objects.requireNonNull(value, "queryPrompt");
            return this;
        }

        /**
         * Text put before every document when it is encoded, in place of the model's document prompt
         * (option {@code document_prompt}; "" for none; default: the model's own, {@link TextEncoder#encodeDocuments}).
         */
        public Builder documentPrompt(String value) {
            this.documentPrompt = Objects.requireNonNull(value, "documentPrompt");
            return this;
        }

        /** Texts per encoder call (option {@code batch_size}, default 32). */
        public Builder batchSize(int value) {
            this.batchSize = BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** A teacher embedding model whose scores decide windows and margins and are written out. */
        public Builder teacher(TextEncoder value) {
            this.pairTeacher = null;
            this.teacher = Objects.requireNonNull(value, "teacher");
            return this;
        }

        /**
         * A teacher reranker (cross-encoder) whose pair scores decide windows and margins and are
         * written out, for distilling it into the embedding model (margins and score bounds are then
         * in the reranker's units, usually logits).
         */
        public Builder teacher(PairScorer value) {
            this.teacher = null;
            this.pairTeacher = Objects.requireNonNull(value, "teacher");
            return this;
        }

        /** The output format (default triplet). */
        public Builder format(OutputFormat value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /** Whether triplet and ntuple rows carry scores (default: with a teacher); flag rows always do. */
        public Builder includeScores(boolean value) {
            this.includeScores = value;
            return this;
        }

        /** Where the corpus encoding is kept and reused (default: a temporary folder deleted afterwards). */
        public Builder storeFolder(Path value) {
            this.storeFolder = Objects.requireNonNull(value, "storeFolder");
            return this;
        }

        /** Draw progress bars. */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /** Checks the options together and builds the miner. */
        public HardNegativeMiner build() {
            return new HardNegativeMiner(this);
        }
    }
}
