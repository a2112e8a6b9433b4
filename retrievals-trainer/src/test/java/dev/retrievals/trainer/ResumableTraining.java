package dev.retrievals.trainer;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/**
 * A training run in its own JVM, for resume tests across processes: a tiny model, InfoNCE on English
 * STS-B pairs, a checkpoint after every step, resuming from the latest complete checkpoint.
 * Arguments: model folder, output folder, total steps, and optionally a step after which to stop (-1: none).
 */
public final class ResumableTraining {
    private ResumableTraining() {}

    /** Entry point. */
    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int steps = Integer.parseInt(args[2]);
        int stopAt = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            TrainingArguments arguments = TrainingArguments.builder(output).batchSize(8).maxSteps(steps).learningRate(1e-3)
                    .warmupSteps(2).seed(5).saveSteps(1).saveTotalLimit(2).disableProgressBar(true)
                    .resumeFromCheckpoint("latest").build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(arguments)
                    .trainDataset(TrainingData.englishPairs(160)).collator(new PairCollator(encoder.tokenizer(), 24, 24))
                    .loss(InfoNCE.builder().build()).listener(new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            if (state.globalStep() == stopAt) {
                                control.requestStop("asked to stop at step " + stopAt);
                            }
                        }
                    }).build()) {
                trainer.train();
            }
        }
    }
}
