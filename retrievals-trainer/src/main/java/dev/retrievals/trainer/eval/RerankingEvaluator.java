package dev.retrievals.trainer.eval;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.trainer.eval.metrics.RankingMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reranking: a first-stage dense retriever (an embedding model, exact cosine search) fetches the
 * top {@code k} documents of each judged query of a BEIR folder, the reranker scores each
 * (query, document) pair and reorders them, and nDCG@10, MRR@10 and MAP@k of the reranked lists
 * are reported beside the first stage's ({@code first_stage_ndcg@10} …), as sentence-transformers'
 * {@code CrossEncoderRerankingEvaluator} does. The primary metric is {@code ndcg@10}; higher is
 * better. The first stage runs once, on the first evaluation, so evaluating during training costs
 * only the reranking.
 *
 * <pre>{@code
 * Evaluator reranking = RerankingEvaluator.builder(Path.of("scifact"), firstStage).topK(50).build();
 * double ndcg = reranking.evaluate(reranker).primary();
 * }</pre>
 */
public final class RerankingEvaluator implements Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(RerankingEvaluator.class);
    static final String OWNER = "evaluator 'reranking'";
    static final OptionSpec<Integer> TOP_K = OptionSpec.ofInt("top_k", 100, "documents of the first stage reranked per query").atLeast(1);
    /** The cutoff of nDCG and MRR. */
    static final int CUTOFF = 10;
    /** The primary metric. */
    public static final String NDCG = RankingMetric.NDCG.label(CUTOFF);
    /** The prefix of the first stage's metrics. */
    public static final String FIRST_STAGE = "first_stage_";

    private final String source;
    private final BeirFolder data;
    private final TextEncoder firstStage;
    private final int topK;
    private final int batchSize;
    private final boolean showProgressBar;
    private List<List<Integer>> candidates;

    private RerankingEvaluator(Builder builder) {
        this.source = builder.folder + " split " + builder.split;
        this.data = new BeirFolder(builder.folder, builder.split, builder.maxQueries, builder.maxCorpusSize, true);
        this.firstStage = builder.firstStage;
        this.topK = builder.topK;
        this.batchSize = builder.batchSize;
        this.showProgressBar = builder.showProgressBar;
    }

    /** A builder for a BEIR folder (split {@code test}) and the embedding model of the first stage. */
    public static Builder builder(Path folder, TextEncoder firstStage) {
        return new Builder(folder, firstStage);
    }

    /** The first stage's top-k document indexes of each query, best first (computed once). */
    synchronized List<List<Integer>> candidates() {
        if (candidates != null) {
            return candidates;
        }
        Function<List<String>, float[][]> queriesFn = firstStage::encodeQueries;
        Function<List<String>, float[][]> documentsFn = firstStage::encodeDocuments;
        float[][] queries = BatchedEncoding.encode(queriesFn, data.queryTexts, batchSize, "queries", showProgressBar);
        float[][] documents = BatchedEncoding.encode(documentsFn, data.documentTexts, batchSize, "corpus", showProgressBar);
        List<List<Integer>> top = new ArrayList<>(queries.length);
        for (float[] query : queries) {
            double[] similarity = new double[documents.length];
            List<Integer> order = new ArrayList<>(documents.length);
            for (int d = 0; d < documents.length; d++) {
                similarity[d] = Vectors.cosine(query, documents[d]);
                order.add(d);
            }
            order.sort(Comparator.comparingDouble((Integer d) -> -similarity[d]).thenComparing(d -> d));
            top.add(List.copyOf(order.subList(0, Math.min(topK, order.size()))));
        }
        candidates = top;
        return top;
    }

    /** An embedding model is the first stage here, not the model evaluated: evaluate a reranker. */
    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        throw new RetrievalsException(OWNER + " evaluates a reranker (cross-encoder) on the top " + topK + " of its first stage;"
                + " it was given an embedding model (use the retrieval evaluator for embedding models)");
    }

    /**
     * One judged query's reranked list.
     *
     * @param queryId the query's id
     * @param documentIds the first stage's top-k document ids, reranked (best first)
     * @param scores the reranker's score of each, in the same order
     * @param firstStageIds the first stage's top-k document ids in its own order
     */
    public record RerankedQuery(String queryId, List<String> documentIds, float[] scores, List<String> firstStageIds) {}

    /** Reranks each judged query's first-stage candidates by the reranker's score (ties keep the first stage's order). */
    public List<RerankedQuery> rerank(PairScorer reranker) {
        List<List<Integer>> firstStageTop = candidates();
        List<String> queries = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        for (int q = 0; q < firstStageTop.size(); q++) {
            for (int d : firstStageTop.get(q)) {
                queries.add(data.queryTexts.get(q));
                documents.add(data.documentTexts.get(d));
            }
        }
        float[] scores = reranker.score(queries, documents);
        List<RerankedQuery> reranked = new ArrayList<>(firstStageTop.size());
        int at = 0;
        for (int q = 0; q < firstStageTop.size(); q++) {
            List<Integer> top = firstStageTop.get(q);
            int offset = at;
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < top.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> -scores[offset + i]).thenComparing(i -> i));
            float[] ordered = new float[top.size()];
            for (int i = 0; i < ordered.length; i++) {
                ordered[i] = scores[offset + order.get(i)];
            }
            at += top.size();
            reranked.add(new RerankedQuery(data.queryIds.get(q), order.stream().map(i -> data.documentIds.get(top.get(i))).toList(),
                    ordered, top.stream().map(data.documentIds::get).toList()));
        }
        return reranked;
    }

    /** Reranks each query's first-stage candidates by the reranker's score and reports both rankings' metrics. */
    @Override
    public EvaluationResult evaluate(PairScorer reranker) {
        return metrics(rerank(reranker));
    }

    /** nDCG@10, MRR@10 and MAP@k of reranked lists and of their first stage. */
    public EvaluationResult metrics(List<RerankedQuery> reranked) {
        Map<String, Double> rerankedSums = new LinkedHashMap<>();
        Map<String, Double> first = new LinkedHashMap<>();
        for (int q = 0; q < reranked.size(); q++) {
            add(rerankedSums, "", reranked.get(q).documentIds(), data.judgments.get(q));
            add(first, FIRST_STAGE, reranked.get(q).firstStageIds(), data.judgments.get(q));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        rerankedSums.forEach((name, sum) -> metrics.put(name, sum / reranked.size()));
        first.forEach((name, sum) -> metrics.put(name, sum / reranked.size()));
        LOG.info("{} on {} ({} queries, top {}): {} = {} (first stage {})", OWNER, source, reranked.size(), topK, NDCG,
                metrics.get(NDCG), metrics.get(FIRST_STAGE + NDCG));
        return new EvaluationResult(metrics, NDCG, true);
    }

    private void add(Map<String, Double> sums, String prefix, List<String> ranking, Map<String, Integer> judgments) {
        sums.merge(prefix + RankingMetric.NDCG.label(CUTOFF), RankingMetric.NDCG.at(ranking, judgments, CUTOFF), Double::sum);
        sums.merge(prefix + RankingMetric.MRR.label(CUTOFF), RankingMetric.MRR.at(ranking, judgments, CUTOFF), Double::sum);
        sums.merge(prefix + RankingMetric.MAP.label(topK), RankingMetric.MAP.at(ranking, judgments, topK), Double::sum);
    }

    /** The number of evaluated queries. */
    public int queryCount() {
        return data.queryTexts.size();
    }

    /** Settings of a {@link RerankingEvaluator}. */
    public static final class Builder {
        private final Path folder;
        private final TextEncoder firstStage;
        private String split = RetrievalEvaluator.SPLIT.defaultValue();
        private int topK = TOP_K.defaultValue();
        private int batchSize = CommonOptions.BATCH_SIZE.defaultValue();
        private int maxQueries = RetrievalEvaluator.MAX_QUERIES.defaultValue();
        private int maxCorpusSize = RetrievalEvaluator.MAX_CORPUS_SIZE.defaultValue();
        private boolean showProgressBar = CommonOptions.SHOW_PROGRESS_BAR.defaultValue();

        private Builder(Path folder, TextEncoder firstStage) {
            this.folder = Path.of(RetrievalEvaluator.PATH.check(folder == null ? null : folder.toString(), OWNER));
            if (firstStage == null) {
                throw new RetrievalsException(OWNER + " needs a first-stage embedding model");
            }
            this.firstStage = firstStage;
        }

        /** The qrels file: {@code qrels/<split>.tsv} (default {@code test}). */
        public Builder split(String value) {
            this.split = RetrievalEvaluator.SPLIT.check(value, OWNER);
            return this;
        }

        /** Documents of the first stage reranked per query (default 100). */
        public Builder topK(int value) {
            this.topK = TOP_K.check(value, OWNER);
            return this;
        }

        /** Texts per first-stage encoder call (default 64). */
        public Builder batchSize(int value) {
            this.batchSize = CommonOptions.BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Evaluate only the first judged queries (0, the default: all). */
        public Builder maxQueries(int value) {
            this.maxQueries = RetrievalEvaluator.MAX_QUERIES.check(value, OWNER);
            return this;
        }

        /** Search at most this many documents, always including the judged ones (0, the default: all). */
        public Builder maxCorpusSize(int value) {
            this.maxCorpusSize = RetrievalEvaluator.MAX_CORPUS_SIZE.check(value, OWNER);
            return this;
        }

        /** Draw progress bars while the first stage encodes. */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /** Reads the folder and builds the evaluator. */
        public RerankingEvaluator build() {
            return new RerankingEvaluator(this);
        }
    }
}
