package dev.retrievals.trainer;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/**
 * A training run in its own JVM, for resume tests across processes: a tiny model, InfoNCE on English
 * STS-B pairs, a checkpoint after every step, resuming from the latest complete checkpoint, stopping
 * cleanly on SIGTERM ({@link GracefulShutdown}).
 * Arguments: model folder, output folder, total steps, and optionally a step after which to stop (-1: none).
 */
public final class ResumableTraining {
    private ResumableTraining() {}

    /** Starts this class in a new JVM with the test class path; output goes to a log file in {@code logs}. */
    static Process launch(Path model, Path output, int steps, int stopAt, Path logs) throws java.io.IOException {
        return start(javaCommand(model, output, steps, stopAt, logs), logs.resolve("log-" + System.nanoTime() + ".txt"));
    }

    /**
     * Like {@link #launch}, but no file the process writes may grow past {@code fileSizeLimitKb}
     * (the shell's {@code ulimit -f}): a write beyond it fails with "File too large", as on a full disk.
     */
    static Process launchWithFileSizeLimit(Path model, Path output, int steps, int stopAt, Path log, long fileSizeLimitKb)
            throws java.io.IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "-c",
                "ulimit -f " + fileSizeLimitKb + " && exec \"$@\"", "bash"));
        command.addAll(javaCommand(model, output, steps, stopAt, log.getParent()));
        return start(command, log);
    }

    /** The command; a JVM crash report would go to {@code hs_err_<pid>.log} in {@code logs}. */
    private static java.util.List<String> javaCommand(Path model, Path output, int steps, int stopAt, Path logs) {
        return TestJvm.command(ResumableTraining.class, java.util.List.of("-Xmx1g", "-XX:ErrorFile=" + logs.resolve("hs_err_%p.log")),
                model.toString(), output.toString(), String.valueOf(steps), String.valueOf(stopAt));
    }

    private static Process start(java.util.List<String> command, Path log) throws java.io.IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (at most 5 minutes, else fails) for a launched run to end; its exit code. */
    static int exitCode(Process process) throws InterruptedException {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the training process did not end within 5 minutes");
        }
        return process.exitValue();
    }

    /** The JVM crash reports written to {@code logs}. */
    static java.util.List<Path> crashReports(Path logs) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(logs)) {
            return files.filter(file -> file.getFileName().toString().startsWith("hs_err_")).toList();
        }
    }

    /** The largest absolute difference between the final weights ({@code model/model.safetensors}) of two runs. */
    static double maxWeightDifference(Path outputA, Path outputB) {
        try (ai.djl.ndarray.NDManager manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
            java.util.Map<String, ai.djl.ndarray.NDArray> a = dev.retrievals.core.safetensors.SafetensorsFile
                    .read(outputA.resolve("model/model.safetensors")).toNDArrays(manager);
            java.util.Map<String, ai.djl.ndarray.NDArray> b = dev.retrievals.core.safetensors.SafetensorsFile
                    .read(outputB.resolve("model/model.safetensors")).toNDArrays(manager);
            double max = 0;
            for (java.util.Map.Entry<String, ai.djl.ndarray.NDArray> entry : a.entrySet()) {
                float[] x = entry.getValue().toFloatArray();
                float[] y = b.get(entry.getKey()).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    max = Math.max(max, Math.abs(x[i] - y[i]));
                }
            }
            return max;
        }
    }

    /** Entry point. */
    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int steps = Integer.parseInt(args[2]);
        int stopAt = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        try (GracefulShutdown shutdown = GracefulShutdown.install(java.time.Duration.ofMinutes(1));
                AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            TrainingArguments arguments = TrainingArguments.builder(output).batchSize(8).maxSteps(steps).learningRate(1e-3)
                    .warmupSteps(2).seed(5).saveSteps(1).saveTotalLimit(2).disableProgressBar(true)
                    .resumeFromCheckpoint("latest").build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(arguments)
                    .trainDataset(TrainingData.englishPairs(160)).collator(new PairCollator(encoder.tokenizer(), 24, 24))
                    .loss(InfoNCE.builder().build()).listener(shutdown).listener(new TrainerListener() {
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
