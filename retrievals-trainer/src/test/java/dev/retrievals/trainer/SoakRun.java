package dev.retrievals.trainer;

import ai.djl.engine.Engine;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.diagnostics.ProcessMemory;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The soak's training run, in its own JVM so the test can fix the heap's size: a tiny model trained
 * with InfoNCE on English STS-B pairs, evaluated every tenth of the run and checkpointed every
 * quarter. Ten times during the run it prints a {@value #SAMPLE} line: step, live NDArrays, resident
 * kilobytes, committed Java heap kilobytes. Arguments: model folder, work folder, steps.
 */
public final class SoakRun {
    static final String SAMPLE = "soak-sample";

    private SoakRun() {}

    /** Runs a Native Memory Tracking command (the JVM needs -XX:NativeMemoryTracking=summary) and prints its answer. */
    private static void nativeMemory(String command) {
        try {
            Object answer = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {command}}, new String[] {String[].class.getName()});
            System.out.println(answer);
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("Native Memory Tracking command " + command + " failed", e);
        }
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int steps = Integer.parseInt(args[2]);
        Path sts = work.resolve("sts.jsonl");
        List<String> stsLines = Files.readAllLines(TrainingData.dataDir().resolve("sts-b-en/dev.jsonl"), StandardCharsets.UTF_8);
        Files.write(sts, stsLines.subList(0, 40), StandardCharsets.UTF_8);
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            TrainingArguments arguments = TrainingArguments.builder(work.resolve("out")).batchSize(8).maxSteps(steps)
                    .learningRate(1e-4).evalStrategy("steps").evalSteps(steps / 10)
                    .saveStrategy("steps").saveSteps(steps / 4).saveTotalLimit(1).loggingSteps(50).disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(arguments)
                    .trainDataset(TrainingData.englishPairs(160)).collator(new PairCollator(encoder.tokenizer(), 32, 32))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build()).evaluator(StsEvaluator.builder(sts).build())
                    .listener(new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            if (state.globalStep() % (steps / 10) == 0) {
                                if (Boolean.getBoolean("soak.nmt")) {
                                    nativeMemory(state.globalStep() == steps / 2 ? "baseline" : "summary.diff");
                                }
                                System.out.printf("%s %d %d %d %d%n", SAMPLE, state.globalStep(),
                                        ProcessMemory.liveNDArrays(Engine.getEngine("PyTorch")), ProcessMemory.residentKilobytes(),
                                        Runtime.getRuntime().totalMemory() >> 10);
                            }
                        }
                    }).build()) {
                trainer.train();
            }
        }
    }
}
