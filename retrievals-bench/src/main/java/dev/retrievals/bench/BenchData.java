package dev.retrievals.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shared datasets the benchmarks read, from the folder named by the system property {@code retrievals.data.dir}. */
public final class BenchData {
    /** Chinese STS-B training pairs (5,231 rows). */
    public static final String STS_B_ZH_TRAIN = "sts-b-zh/train.jsonl";
    /** English STS Benchmark training pairs (5,749 rows). */
    public static final String STS_B_EN_TRAIN = "sts-b-en/train.jsonl";
    /** SciFact's corpus (5,183 abstracts: id, title, text). */
    public static final String SCIFACT_CORPUS = "scifact/corpus.jsonl";

    private BenchData() {}

    /** A file in the data folder; fails naming the folder and the property when it is missing. */
    public static Path file(String relative) {
        Path folder = SharedData.folder();
        Path file = folder.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Benchmark data " + file.toAbsolutePath() + " is missing; set -Dretrievals.data.dir to"
                    + " the shared data folder");
        }
        return file;
    }

    /**
     * The {@code sentence1} and {@code sentence2} texts of an STS JSONL file, in file order, cycling
     * through the file again when it holds fewer than {@code count} texts.
     */
    public static List<String> sentences(String relative, int count) {
        List<String> all = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file(relative), StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                all.add(row.get("sentence1").getAsString());
                all.add(row.get("sentence2").getAsString());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(all.get(i % all.size()));
        }
        return texts;
    }
}
