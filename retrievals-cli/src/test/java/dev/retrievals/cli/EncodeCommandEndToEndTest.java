package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrievals encode} as a user runs it (a JVM per call, a tiny random BERT): an encoding
 * killed half-way and resumed writes the very bytes of an uninterrupted one; the {@code .npy}
 * file (read by its published format, not by the project's code), its ids and the JSONL rows hold the
 * vectors the model gives in this JVM; and a JVM whose heap is smaller than its input encodes it
 * with peak resident memory that does not follow the input's size.
 */
@Tag("slow")
class EncodeCommandEndToEndTest {
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final String[] WORDS = {"cell", "protein", "gene", "study", "result", "effect", "patients", "risk", "model", "data"};

    @TempDir
    Path dir;

    private static Path texts(Path file, int count, int characters, long seed) throws IOException {
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < count; i++) {
                text.setLength(0);
                int length = characters / 2 + random.nextInt(characters / 2);
                while (text.length() < length) {
                    text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                }
                out.write(text.toString().strip());
                out.write('\n');
                if (i % 97 == 5) {
                    out.write("\n"); // blank lines are skipped; ids stay line numbers
                }
            }
        }
        return file;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aKilledEncodingResumesToTheBytesOfAnUninterruptedOne() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3, 0);
        Path input = texts(dir.resolve("texts.txt"), 6000, 200, 1);
        CliProcess cli = new CliProcess(dir, List.of("-Xmx1g"), DEADLINE);
        String[] common = {"encode", "--model", model.toString(), "--input", input.toString(), "--chunk-size", "250"};

        CliProcess.Result whole = cli.run(concat(common, "--output", "whole.npy"));
        assertThat(whole.exitCode()).as(whole.err()).isZero();

        Path progress = dir.resolve(".resumed.npy.encoding/progress.json");
        try (ChildProcess first = cli.start(concat(common, "--output", "resumed.npy"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (first.isAlive() && System.nanoTime() < deadline && encoded(progress) < 1000) {
                Thread.sleep(20);
            }
            assertThat(first.isAlive()).as("still encoding when killed: " + Files.readString(dir.resolve("err.txt"))).isTrue();
            first.process().destroyForcibly(); // SIGKILL: nothing gets to clean up
            first.waitFor();
        }
        long done = encoded(progress);
        assertThat(done).isBetween(1000L, 5999L);
        assertThat(dir.resolve("resumed.npy")).as("nothing half-written").doesNotExist();

        CliProcess.Result resumed = cli.run(concat(common, "--output", "resumed.npy", "--resume"));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming after");
        assertThat(Files.readAllBytes(dir.resolve("resumed.npy"))).isEqualTo(Files.readAllBytes(dir.resolve("whole.npy")));
        assertThat(Files.readAllLines(dir.resolve("resumed.ids.txt"))).isEqualTo(Files.readAllLines(dir.resolve("whole.ids.txt")));
        assertThat(dir.resolve(".resumed.npy.encoding")).as("the work folder is removed at the end").doesNotExist();

        // the ids are the line numbers of the texts, blank lines skipped; the vectors are the model's, at unit length
        List<String> lines = Files.readAllLines(input);
        List<String> ids = Files.readAllLines(dir.resolve("whole.ids.txt"));
        List<String> texts = new ArrayList<>();
        List<String> expectedIds = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                texts.add(lines.get(i));
                expectedIds.add(Integer.toString(i + 1));
            }
        }
        assertThat(ids).isEqualTo(expectedIds);
        float[][] vectors = PlainVectors.readNpy(dir.resolve("whole.npy"));
        assertThat(vectors.length).isEqualTo(6000);
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString())) {
            List<Integer> sample = List.of(0, 1, 2999, 5999);
            float[][] expected = encoder.encode(sample.stream().map(texts::get).toList());
            for (int i = 0; i < sample.size(); i++) {
                float[] unit = PlainVectors.unit(expected[i]);
                for (int j = 0; j < unit.length; j++) {
                    assertThat(vectors[sample.get(i)][j]).isCloseTo(unit[j], within(1e-5f));
                }
            }
        }

        // JSONL output of the same input: id, text and the same vectors
        CliProcess.Result jsonl = cli.run(concat(common, "--output", "whole.jsonl"));
        assertThat(jsonl.exitCode()).as(jsonl.err()).isZero();
        List<String> rows = Files.readAllLines(dir.resolve("whole.jsonl"));
        assertThat(rows).hasSize(6000);
        for (int i : new int[] {0, 4321}) {
            JsonObject row = JsonParser.parseString(rows.get(i)).getAsJsonObject();
            assertThat(row.get("id").getAsString()).isEqualTo(expectedIds.get(i));
            assertThat(row.get("text").getAsString()).isEqualTo(texts.get(i));
            JsonArray embedding = row.getAsJsonArray("embedding");
            for (int j = 0; j < embedding.size(); j++) {
                assertThat(embedding.get(j).getAsFloat()).isEqualTo(vectors[i][j]);
            }
        }

        CliProcess.Result again = cli.run(concat(common, "--output", "whole.npy"));
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip()).startsWith("retrievals: output ").contains("whole.npy exists").doesNotContain("\n");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anInputLargerThanTheHeapIsEncodedWithoutResidentMemoryFollowingIt() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 5, 0);
        Path small = texts(dir.resolve("small.txt"), 100, 80_000, 2);
        Path large = texts(dir.resolve("large.txt"), 1_000, 80_000, 3);
        assertThat(Files.size(large)).isGreaterThan(50L << 20);
        long smallPeak = peakResidentKilobytes(model, small, "small.npy");
        long largePeak = peakResidentKilobytes(model, large, "large.npy");
        assertThat(PlainVectors.readNpy(dir.resolve("large.npy")).length).isEqualTo(1_000);
        long inputGrowthMb = (Files.size(large) - Files.size(small)) >> 20;
        long growthMb = (largePeak - smallPeak) / 1024;
        System.out.printf("encode: peak RSS %d MB for %d MB of input, %d MB for %d MB%n", smallPeak / 1024, Files.size(small) >> 20,
                largePeak / 1024, Files.size(large) >> 20);
        // the heap (40 MB) could not hold the texts; resident memory outside it must not follow the input either
        assertThat(growthMb).as("peak RSS growth for %d MB more input", inputGrowthMb).isLessThan(inputGrowthMb / 2);
    }

    /** Runs the command in a JVM with a 40 MB heap, sampling its resident memory until it ends; returns the peak in kB. */
    private long peakResidentKilobytes(Path model, Path input, String output) throws Exception {
        CliProcess cli = new CliProcess(dir, List.of("-Xmx40m", "-Xms40m"), DEADLINE);
        try (ChildProcess child = cli.start("encode", "--model", model.toString(), "--input", input.toString(), "--output", output,
                "--chunk-size", "64")) {
            Path status = Path.of("/proc", Long.toString(child.process().pid()), "status");
            long peak = 0;
            while (child.isAlive()) {
                peak = Math.max(peak, highWaterMark(status));
                Thread.sleep(50);
            }
            int code = child.waitFor();
            assertThat(code).as(Files.readString(dir.resolve("err.txt"))).isZero();
            assertThat(peak).as("sampled /proc/PID/status").isPositive();
            return peak;
        }
    }

    /** VmHWM (peak resident set) of a running process, in kB; 0 once it has ended. */
    private static long highWaterMark(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static long encoded(Path progress) {
        try {
            return JsonParser.parseString(Files.readString(progress)).getAsJsonObject().get("encoded").getAsLong();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
