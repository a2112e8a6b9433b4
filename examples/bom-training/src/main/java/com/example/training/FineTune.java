package com.example.training;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainerState;
import dev.retrievals.trainer.TrainingArguments;
import java.nio.file.Path;

/**
 * Fine-tunes all-MiniLM-L6-v2 on (query, positive) pairs with InfoNCE, as the README's recipe does,
 * and saves the model to {@code OUTPUT_DIR/model}.
 *
 * <pre>{@code java com.example.training.FineTune pairs.jsonl runs/example 100}</pre>
 */
public final class FineTune {
    private FineTune() {}

    /** {@code PAIRS.jsonl OUTPUT_DIR [MAX_STEPS]}. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: FineTune PAIRS.jsonl OUTPUT_DIR [MAX_STEPS]");
            System.exit(2);
        }
        TrainerState state = run(Path.of(args[0]), Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 100, 64);
        System.out.printf("trained %d steps, last loss %.4f%n", state.globalStep(), state.lastLoss());
    }

    /** Trains for {@code maxSteps} steps on the first {@code rows} pairs (all when 0) and saves the model. */
    public static TrainerState run(Path pairs, Path outputDir, int maxSteps, int rows) {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", "mean")) {
            TrainingArguments args = TrainingArguments.builder(outputDir)
                    .maxSteps(maxSteps).batchSize(8).learningRate(5e-5).warmupRatio(0.1).saveStrategy("no")
                    .disableProgressBar(true).build();
            Dataset data = Dataset.fromJsonl(pairs);
            try (RetrievalTrainer trainer = RetrievalTrainer.builder()
                    .model(model)
                    .args(args)
                    .trainDataset(rows > 0 ? data.take(rows) : data)
                    .collator(new PairCollator(model.tokenizer(), 64, 64))
                    .loss(InfoNCE.builder().temperature(0.05).build())
                    .build()) {
                return trainer.train();
            }
        }
    }
}
