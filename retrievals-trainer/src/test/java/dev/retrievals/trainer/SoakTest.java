package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import dev.retrievals.core.testing.TinyModelFolder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many training steps of a tiny model, with evaluation and checkpoints on the way ({@link SoakRun},
 * in a child JVM whose Java heap is fixed and touched up front, so resident memory growth is native
 * memory): the number of live NDArrays stays flat, and resident memory grows by less than
 * {@value #MAX_STEADY_GROWTH_KB_PER_STEP} KB a step over the second half of the run. Both are
 * printed. The allowance is above the allocator's plateaus (glibc and libtorch keep freed blocks:
 * resident memory rises in steps of 5 to 11 MB now and then, and levels off) and below what leaking
 * one small activation a step would add. Any leaked NDArray shows in the exact live count.
 *
 * <p>CI runs {@value #DEFAULT_STEPS} steps. A longer soak, optionally with the JVM's own Native
 * Memory Tracking diff printed from the middle of the run to each later sample:
 * {@code mvn -B verify -pl retrievals-trainer -am -Dtest=SoakTest -Dsoak.steps=8000 -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsoak.print=true "-Dsoak.jvm.args=-XX:NativeMemoryTracking=summary -Dsoak.nmt=true"}.
 */
class SoakTest {
    private static final int DEFAULT_STEPS = 2000;
    private static final int MAX_STEADY_GROWTH_KB_PER_STEP = 25;
    /** The child's deadline: the default run takes about half a minute, 8,000 steps a few minutes on a busy machine. */
    private static final Duration DEADLINE = Duration.ofMinutes(Integer.getInteger("soak.minutes", 20));
    private static final List<String> FIXED_HEAP = List.of("-Xms160m", "-Xmx160m", "-XX:+AlwaysPreTouch");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.HOURS) // the child's deadline (-Dsoak.minutes) is the guard; this lifts the 10-minute default
    @Tag("slow")
    void liveArraysStayFlatAndNativeMemoryDoesNotCreep() throws Exception {
        int steps = Integer.getInteger("soak.steps", DEFAULT_STEPS);
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 9);
        List<String> flags = new ArrayList<>(FIXED_HEAP);
        flags.addAll(List.of(System.getProperty("soak.jvm.args", "").split(" ")).stream().filter(f -> !f.isBlank()).toList());
        List<long[]> samples = new ArrayList<>();
        StringBuilder tail = new StringBuilder();
        int exitCode;
        // the watchdog destroys the child at the deadline, which ends the output, so reading it to the end cannot hang
        try (ChildProcess child = ChildProcess.start(new ProcessBuilder(JavaCommand.of(SoakRun.class, flags,
                List.of(model.toString(), dir.toString(), String.valueOf(steps)))).redirectErrorStream(true), DEADLINE)) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith(SoakRun.SAMPLE + " ")) {
                        long[] sample = java.util.Arrays.stream(line.substring(SoakRun.SAMPLE.length() + 1).split(" "))
                                .mapToLong(Long::parseLong).toArray();
                        samples.add(sample);
                        System.out.printf("soak step %d: live NDArrays %d, resident %d MB, Java heap committed %d MB%n",
                                sample[0], sample[1], sample[2] >> 10, sample[3] >> 10);
                    } else {
                        if (Boolean.getBoolean("soak.print")) {
                            System.out.println(line);
                        }
                        tail.append(line).append('\n');
                        if (tail.length() > 20_000) {
                            tail.delete(0, tail.length() - 10_000);
                        }
                    }
                }
            }
            exitCode = child.waitFor();
        }
        assertThat(exitCode).as(tail.toString()).isZero();
        assertThat(samples).as(tail.toString()).hasSize(10);

        long[] first = samples.get(0);
        long[] middle = samples.get(samples.size() / 2 - 1);
        long[] last = samples.get(samples.size() - 1);
        double steadyKbPerStep = (double) (last[2] - middle[2]) / (last[0] - middle[0]);
        System.out.printf("soak: %d steps, live NDArrays %d -> %d, resident memory %d MB -> %d MB (%+d MB from step %d to %d;"
                + " %+.2f KB a step from step %d to %d), Java heap fixed at %d MB%n",
                steps, first[1], last[1], first[2] >> 10, last[2] >> 10, (last[2] - first[2]) >> 10, first[0], last[0],
                steadyKbPerStep, middle[0], last[0], last[3] >> 10);
        for (long[] sample : samples) {
            assertThat(sample[1]).as("live NDArrays at step %d", sample[0]).isEqualTo(first[1]);
        }
        assertThat(steadyKbPerStep).as("resident memory growth per step, steps %d to %d", middle[0], last[0])
                .isLessThan(MAX_STEADY_GROWTH_KB_PER_STEP);
    }
}
