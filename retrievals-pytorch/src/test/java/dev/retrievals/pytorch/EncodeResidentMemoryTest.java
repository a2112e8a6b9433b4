package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import dev.retrievals.core.process.LauncherSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Encoding a few thousand long texts in a child JVM ({@link LongTextEncodeRun}) run with the
 * environment the {@code retrievals} command sets for {@code encode} ({@link LauncherSettings}), with a fixed Java heap
 * touched up front so that resident growth is native memory: the peak stays within twice one
 * layer's working set, plus the free memory the allocator is set to keep at the top of its heap
 * ({@code MALLOC_TRIM_THRESHOLD_}), above the resident memory after a warm-up, where a forward pass that kept
 * every layer's intermediates would need several layers' worth. Both figures come from the shapes
 * (plain arithmetic below), not from a run.
 */
class EncodeResidentMemoryTest {
    private static final int TEXTS = 2000;
    private static final Duration DEADLINE = Duration.ofMinutes(8);
    private static final List<String> FIXED_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

    /** Bytes of one float32 array of {@code elements}. */
    private static long bytes(long elements) {
        return 4 * elements;
    }

    @Test
    @Tag("slow")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void peakResidentMemoryOfALongEncodeIsOneLayersWorkingSet() throws Exception {
        long b = LongTextEncodeRun.BATCH;
        long s = LongTextEncodeRun.MAX_LENGTH;
        long hidden = bytes(b * s * LongTextEncodeRun.HIDDEN);
        long attention = bytes(b * LongTextEncodeRun.HEADS * s * s);
        long inner = bytes(b * s * LongTextEncodeRun.INTERMEDIATE);
        // Scoped, the most alive at once is inside a layer's attention: its input, query, key, value, the scaled query, the
        // context and its merged heads (7 hidden-sized arrays) with the scores (the bias added in place) and their softmax.
        long oneLayer = 7 * hidden + 2 * attention;
        // Unscoped, each layer keeps 11 hidden-sized arrays, the scores and the softmax, and two feed-forward arrays.
        long everyLayer = LongTextEncodeRun.LAYERS * (11 * hidden + 2 * attention + 2 * inner);
        LauncherSettings launcher = LauncherSettings.load();
        Map<String, String> environment = launcher.environment("encode");
        // glibc keeps up to MALLOC_TRIM_THRESHOLD_ bytes free at the top of its heap before it gives them back: resident
        // by configuration, not in use.
        long retained = Long.parseLong(environment.getOrDefault("MALLOC_TRIM_THRESHOLD_", "0"));
        long bound = 2 * oneLayer + retained;
        assertThat(bound).as("the bound tells a scoped pass from one that keeps every layer").isLessThan(everyLayer);

        List<String> flags = new ArrayList<>(launcher.javaFlags());
        flags.addAll(FIXED_HEAP);
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(LongTextEncodeRun.class, flags, List.of(String.valueOf(TEXTS), "true")))
                .redirectErrorStream(true);
        builder.environment().keySet().removeAll(launcher.variables());
        builder.environment().putAll(environment);
        long[] result = null;
        StringBuilder output = new StringBuilder();
        int exit;
        try (ChildProcess child = ChildProcess.start(builder, DEADLINE)) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith(LongTextEncodeRun.RESULT + " ")) {
                        result = java.util.Arrays.stream(line.substring(LongTextEncodeRun.RESULT.length() + 1).split(" "))
                                .mapToLong(Long::parseLong).toArray();
                    } else if (output.length() < 20_000) {
                        output.append(line).append('\n');
                    }
                }
            }
            exit = child.waitFor();
        }
        assertThat(exit).as(output.toString()).isZero();
        assertThat(result).as(output.toString()).isNotNull();
        long growth = (result[1] - result[0]) * 1024;
        System.out.printf("long encode of %d texts: resident %d MB after warm-up, peak %d MB (+%d MB); one layer's working set %d MB,"
                + " allocator's retained top %d MB, bound %d MB, every layer's intermediates %d MB%n", TEXTS, result[0] >> 10,
                result[1] >> 10, growth >> 20, oneLayer >> 20, retained >> 20, bound >> 20, everyLayer >> 20);
        assertThat(growth).as("peak resident growth, bytes").isLessThanOrEqualTo(bound);
        assertThat(result[2]).as("live NDArrays after the encode: the parameters alone").isEqualTo(result[3]);
    }
}
