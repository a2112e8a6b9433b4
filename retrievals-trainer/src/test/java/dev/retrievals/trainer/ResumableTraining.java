package dev.retrievals.trainer;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/**
 * A training run in its own JVM, for resume tests across processes: a tiny model, InfoNCE on English
 * STS-B pairs, a checkpoint after every step, resuming from the latest complete checkpoint, stopping
 * cleanly on SIGTERM ({@link GracefulShutdown}).
 * Arguments: model folder, output folder, total steps, optionally a step after which to stop (-1: none),
 * and optionally a step in whose checkpoint write to pause and the marker file to write when paused.
 */
public final class ResumableTraining {
    private ResumableTraining() {}

    /** How long a launched run may take before its watchdog destroys it. */
    static final java.time.Duration DEADLINE = java.time.Duration.ofMinutes(10);
    /** The name of the marker file a run writes when it pauses inside a checkpoint write. */
    static final String PAUSED_MARKER = "paused-in-checkpoint";
    /** The start of the line a run prints after each step: the step, its loss and gradient norm, bit-exact (hex). */
    static final String STEP_TRACE = "trace: step ";

    /** Starts this class in a new JVM with the test class path; output goes to a log file in {@code logs}. */
    static ChildProcess launch(Path model, Path output, int steps, int stopAt, Path logs) {
        return start(javaCommand(logs, model.toString(), output.toString(), String.valueOf(steps), String.valueOf(stopAt)),
                logs.resolve("log-" + System.nanoTime() + ".txt"));
    }

    /**
     * Like {@link #launch}, but the run pauses inside the write of the checkpoint of {@code pauseStep}
     * (its hidden partial folder exists and holds the model) after writing the file
     * {@value #PAUSED_MARKER} in {@code logs}, and waits there to be killed.
     */
    static ChildProcess launchPausingInCheckpoint(Path model, Path output, int steps, int pauseStep, Path logs) {
        return start(javaCommand(logs, model.toString(), output.toString(), String.valueOf(steps), "-1", String.valueOf(pauseStep),
                logs.resolve(PAUSED_MARKER).toString()), logs.resolve("log-" + System.nanoTime() + ".txt"));
    }

    /**
     * Like {@link #launch}, but no file the process writes may grow past {@code fileSizeLimitKb}
     * (the shell's {@code ulimit -f}): a write beyond it fails with "File too large", as on a full disk.
     */
    static ChildProcess launchWithFileSizeLimit(Path model, Path output, int steps, int stopAt, Path log, long fileSizeLimitKb) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "-c",
                "ulimit -f " + fileSizeLimitKb + " && exec \"$@\"", "bash"));
        command.addAll(javaCommand(log.getParent(), model.toString(), output.toString(), String.valueOf(steps), String.valueOf(stopAt)));
        return start(command, log);
    }

    /**
     * The command; a JVM crash report would go to {@code hs_err_<pid>.log} in {@code logs}. The engine runs on one
     * intra-op thread: how a multi-threaded kernel splits a reduction among threads can move the last bit of a
     * gradient between two processes (the team a parallel region gets is not guaranteed), and the resume tests
     * compare runs bit for bit, so that variation must not be mistaken for a resume that is not exact.
     */
    private static java.util.List<String> javaCommand(Path logs, String... args) {
        return JavaCommand.of(ResumableTraining.class, java.util.List.of("-Xmx1g", "-XX:ErrorFile=" + logs.resolve("hs_err_%p.log"),
                "-Dai.djl.pytorch.num_threads=1"), java.util.List.of(args));
    }

    private static ChildProcess start(java.util.List<String> command, Path log) {
        return ChildProcess.start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()), DEADLINE);
    }

    /** Waits for a launched run to end (its watchdog destroys it at the deadline, which fails the wait); its exit code. */
    static int exitCode(ChildProcess process) {
        try (process) {
            return process.waitFor();
        }
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
        long pauseStep = args.length > 5 ? Long.parseLong(args[4]) : -1;
        Path pausedMarker = args.length > 5 ? Path.of(args[5]) : null;
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
                            System.out.println(STEP_TRACE + state.globalStep() + " loss " + Double.toHexString(state.lastLoss())
                                    + " grad_norm " + Double.toHexString(state.gradientNorm()));
                            if (state.globalStep() == stopAt) {
                                control.requestStop("asked to stop at step " + stopAt);
                            }
                        }


                        @Override
                        public void onCheckpointWrite(TrainerState state, Path folder) throws java.io.IOException {
                            if (state.globalStep() == pauseStep) {
                                Path written = java.nio.file.Files.writeString(pausedMarker.resolveSibling(pausedMarker.getFileName() + ".tmp"),
                                        folder.toString());
                                java.nio.file.Files.move(written, pausedMarker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                                try {
                                    Thread.sleep(DEADLINE.toMillis()); // until killed (the watchdog ends it at the latest)
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }
                    }).build()) {
                trainer.train();
            }
        }
    }
}
