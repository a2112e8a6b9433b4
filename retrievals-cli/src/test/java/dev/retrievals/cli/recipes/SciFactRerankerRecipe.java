package dev.retrievals.cli.recipes;

import dev.retrievals.collators.GroupCollator;
import dev.retrievals.collators.RerankGroupCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.index.mining.HardNegativeMiner;
import dev.retrievals.index.mining.MiningInput;
import dev.retrievals.index.mining.MiningSummary;
import dev.retrievals.index.mining.OutputFormat;
import dev.retrievals.losses.ListwiseCrossEntropy;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.onnx.OnnxReranker;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainingArguments;
import dev.retrievals.trainer.eval.RerankingEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The recipe figure "a cross-encoder from all-MiniLM-L6-v2 trained on SciFact train (mined
 * negatives), reranking the bi-encoder's top-50 on SciFact test": mines hard negatives for SciFact
 * train with all-MiniLM-L6-v2 (FlagEmbedding rows), trains a new head on all-MiniLM-L6-v2 with
 * {@code listwise_ce} on groups of one positive and three negatives, exports it to ONNX and reranks
 * the bi-encoder's top-50 of every SciFact test query with the export on ONNX Runtime; prints
 * nDCG@10, MRR@10 and MAP@50 before (first stage) and after reranking. Run with the test class
 * path of retrievals-cli: {@code java -cp ... dev.retrievals.cli.recipes.SciFactRerankerRecipe OUT_DIR [steps]}.
 */
public final class SciFactRerankerRecipe {
    private SciFactRerankerRecipe() {}

    /** Entry point; arguments: output folder, training steps (default 60). */
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path out = Path.of(args.length > 0 ? args[0] : "runs/scifact-reranker");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Files.createDirectories(out);
        Path scifact = SharedData.resolve("scifact");
        Path mined = out.resolve("scifact-train-mined.jsonl");
        long start = System.nanoTime();
        try (AutoModelForEmbedding biEncoder = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            if (!Files.exists(mined)) {
                MiningSummary summary = HardNegativeMiner.builder(biEncoder, "all-MiniLM-L6-v2").numNegatives(7).rangeMin(3).rangeMax(50)
                        .format(OutputFormat.FLAG).storeFolder(out.resolve("store")).batchSize(32).build()
                        .mine(MiningInput.beir(scifact, "train"), mined);
                System.out.println(summary);
            }
            System.out.printf(Locale.ROOT, "mined after %.0f s%n", (System.nanoTime() - start) / 1e9);
            RerankingEvaluator reranking = RerankingEvaluator.builder(scifact, biEncoder).split("test").topK(50).build();

            try (AutoModelForRanking reranker = AutoModelForRanking.builder("all-MiniLM-L6-v2")
                    .modelOptions(ModelOptions.defaults().withMaxLength(192)).startHeadIfMissing(true).seed(42).build()) {
                TrainingArguments arguments = TrainingArguments.builder(out.resolve("run")).batchSize(8).maxSteps(steps)
                        .learningRate(5e-5).warmupRatio(0.1).seed(42).saveStrategy("no").loggingSteps(10).build();
                try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(reranker).args(arguments)
                        .trainDataset(Dataset.fromJsonl(mined))
                        .collator(RerankGroupCollator.builder(reranker.tokenizer()).with(GroupCollator.TRAIN_GROUP_SIZE, 4).build())
                        .loss(ListwiseCrossEntropy.create()).build()) {
                    trainer.train();
                }
                System.out.printf(Locale.ROOT, "trained after %.0f s%n", (System.nanoTime() - start) / 1e9);
                System.out.println(OnnxRankerExporter.export(reranker, out.resolve("onnx"), ExportOptions.defaults(), false));
            }
            try (OnnxReranker onnx = OnnxReranker.builder(out.resolve("onnx")).batchSize(32).build()) {
                EvaluationResult result = reranking.evaluate(onnx);
                System.out.printf(Locale.ROOT, "scifact test, top 50 of all-MiniLM-L6-v2 (%d queries):%n", reranking.queryCount());
                for (String metric : new String[] {"ndcg@10", "mrr@10", "map@50"}) {
                    System.out.printf(Locale.ROOT, "  %-8s first stage %.4f  reranked %.4f%n", metric,
                            result.metrics().get(RerankingEvaluator.FIRST_STAGE + metric), result.metrics().get(metric));
                }
            }
            System.out.printf(Locale.ROOT, "done after %.0f s%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
