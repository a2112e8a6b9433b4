package dev.retrievals.index.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import dev.retrievals.core.testing.TinyModelFolder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming encoding keeps memory bounded: a child JVM whose heap (40 MB) is smaller than a
 * generated corpus of about 57 MB (1,500 documents of 40,000 characters, so the tiny model's
 * cost stays small while the input is large) encodes all of it, and its peak resident memory grows
 * by less than half the input's growth when the input grows tenfold. (The full-size figure is a
 * benchmark.)
 */
class StreamingEncodeMemoryTest {
    private static final Pattern RESULT = Pattern.compile("documents=(\\d+) peak_rss_kb=(\\d+)");
    private static final int TEXT_CHARS = 40_000;

    @TempDir
    Path dir;

    private static Path corpus(Path file, int documents) throws IOException {
        Random random = new Random(documents);
        String[] words = {"cell", "protein", "gene", "study", "result", "effect", "patients", "risk", "model", "data"};
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder text = new StringBuilder(TEXT_CHARS + 16);
            for (int i = 0; i < documents; i++) {
                text.setLength(0);
                while (text.length() < TEXT_CHARS) {
                    text.append(words[random.nextInt(words.length)]).append(' ');
                }
                out.write("{\"id\": \"d" + i + "\", \"text\": \"" + text.toString().strip() + "\"}\n");
            }
        }
        return file;
    }

    private long[] encodeInChild(Path corpus, Path store, Path model) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(StreamingEncodeRun.class,
                List.of("-Xmx40m", "-Xms40m", "-Dai.djl.pytorch.num_interop_threads=1"),
                List.of(corpus.toString(), store.toString(), model.toString()))).redirectErrorStream(true);
        builder.environment().put("DJL_OFFLINE", "true");
        try (ChildProcess child = ChildProcess.start(builder, Duration.ofMinutes(8))) {
            String output = new String(child.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = child.waitFor();
            assertThat(exit).as(child.describe() + " printed:\n" + output).isZero();
            Matcher matcher = RESULT.matcher(output);
            assertThat(matcher.find()).as(output).isTrue();
            return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
        }
    }

    @Test
    @Timeout(1200)
    void aCorpusLargerThanTheHeapIsEncodedInBoundedMemory() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 17);
        Path small = corpus(dir.resolve("small.jsonl"), 150);
        Path large = corpus(dir.resolve("large.jsonl"), 1_500);
        assertThat(Files.size(large)).isGreaterThan(55L << 20);

        long[] smallRun = encodeInChild(small, dir.resolve("small-store"), model);
        long[] largeRun = encodeInChild(large, dir.resolve("large-store"), model);
        assertThat(smallRun[0]).isEqualTo(150);
        assertThat(largeRun[0]).isEqualTo(1_500);
        long growthMb = (largeRun[1] - smallRun[1]) / 1024;
        long inputGrowthMb = (Files.size(large) - Files.size(small)) >> 20;
        System.out.printf("peak RSS %d MB for %d MB of input, %d MB for %d MB (growth %d MB for %d MB more input)%n", smallRun[1] / 1024,
                Files.size(small) >> 20, largeRun[1] / 1024, Files.size(large) >> 20, growthMb, inputGrowthMb);
        // holding the texts would not fit the heap at all (the child would fail); the resident memory
        // outside the heap must not grow with the input either
        assertThat(growthMb).as("peak RSS growth for %d MB more input", inputGrowthMb).isLessThan(inputGrowthMb / 2);
        try (CorpusStore store = CorpusStore.open(dir.resolve("large-store"))) {
            assertThat(store.size()).isEqualTo(1_500);
            assertThat(store.text(1_499)).hasSizeGreaterThanOrEqualTo(TEXT_CHARS - 10);
        }
    }
}
