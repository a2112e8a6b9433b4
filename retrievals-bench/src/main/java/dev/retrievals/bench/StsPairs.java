package dev.retrievals.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.trainer.eval.metrics.Correlation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * STS pairs with gold scores ({@code sentence1}, {@code sentence2}, {@code score} of a JSONL file in
 * the data folder); an encoder's vectors and cosines of them, and the Spearman correlation of the
 * cosines with the gold scores.
 */
record StsPairs(List<String> first, List<String> second, double[] gold) {

    /** The first {@code limit} pairs of {@code relative} in the data folder (all of them when {@code limit} is 0). */
    static StsPairs read(String relative, int limit) {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<Double> gold = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(BenchData.file(relative), StandardCharsets.UTF_8)) {
                if (limit > 0 && gold.size() == limit) {
                    break;
                }
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                first.add(row.get("sentence1").getAsString());
                second.add(row.get("sentence2").getAsString());
                gold.add(row.get("score").getAsDouble());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StsPairs(first, second, gold.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Each contender's vectors of both sides, in the contenders' order. */
    Map<String, Encoded> encodeEach(Map<String, Function<List<String>, float[][]>> contenders) {
        Map<String, Encoded> encoded = new LinkedHashMap<>();
        contenders.forEach((name, encode) -> encoded.put(name, encode(encode)));
        return encoded;
    }

    /** One encoder's vectors of both sides and the cosine of each pair. */
    Encoded encode(Function<List<String>, float[][]> encode) {
        return encoded(encode.apply(first), encode.apply(second));
    }

    /** The pairs' cosines from given vectors of both sides. */
    Encoded encoded(float[][] a, float[][] b) {
        double[] cosines = new double[gold.length];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = Vectors.cosine(a[i], b[i]);
        }
        return new Encoded(a, b, cosines);
    }

    /** The Spearman correlation of the cosines with the gold scores. */
    double spearman(Encoded encoded) {
        return Correlation.spearman(encoded.cosines(), gold);
    }

    /** The Spearman correlation of each contender's cosines with the gold scores ({@code {name: spearman}}). */
    JsonObject spearman(Map<String, Encoded> encoded) {
        JsonObject spearman = new JsonObject();
        encoded.forEach((name, vectors) -> spearman.addProperty(name, spearman(vectors)));
        return spearman;
    }

    /** One encoder's vectors of the first and second sentence of each pair, and the cosine of each pair. */
    record Encoded(float[][] first, float[][] second, double[] cosines) {
        /** The vectors of all first sentences, then of all second sentences. */
        float[][] sentences() {
            float[][] all = java.util.Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, all, first.length, second.length);
            return all;
        }
    }
}
