package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped in one JVM and resumed in a fresh one ends with the weights of an uninterrupted
 * run (each in its own JVM). A fresh JVM matters: an earlier version embedded the batch roles in
 * the iteration order of an immutable map, which differs from JVM to JVM, so dropout drew its
 * masks in another order after a restart.
 */
class ProcessResumeTest {
    private static final int STEPS = 30;

    @TempDir
    Path dir;

    private int run(Path model, Path output, int stopAt) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dretrievals.data.dir=" + TrainingData.dataDir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), ResumableTraining.class.getName(),
                model.toString(), output.toString(), String.valueOf(STEPS), String.valueOf(stopAt)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + System.nanoTime() + ".txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }

    @Test
    void aRunResumedInANewJvmEndsWithTheUninterruptedWeights() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3);
        assertThat(run(model, dir.resolve("reference"), -1)).isZero();
        assertThat(run(model, dir.resolve("resumed"), 23)).isZero();
        assertThat(Checkpoints.latest(dir.resolve("resumed"))).hasValue(Checkpoints.folder(dir.resolve("resumed"), 23));
        assertThat(run(model, dir.resolve("resumed"), -1)).isZero();
        assertThat(Checkpoints.latest(dir.resolve("resumed"))).hasValue(Checkpoints.folder(dir.resolve("resumed"), STEPS));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> expected = SafetensorsFile.read(dir.resolve("reference/model/model.safetensors")).toNDArrays(manager);
            Map<String, NDArray> actual = SafetensorsFile.read(dir.resolve("resumed/model/model.safetensors")).toNDArrays(manager);
            double max = 0;
            for (Map.Entry<String, NDArray> entry : expected.entrySet()) {
                float[] a = entry.getValue().toFloatArray();
                float[] b = actual.get(entry.getKey()).toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
            }
            assertThat(max).as("resumed in a new JVM vs uninterrupted").isLessThanOrEqualTo(1e-6);
        }
    }
}
