package dev.retrievals.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.EncodeOptions;
import dev.retrievals.pytorch.ModelOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code retrievals encode --model ID|PATH --input FILE [--output FILE.jsonl] [--backend pytorch|onnx]
 * [--batch-size N] [--no-normalize] [--field NAME]}: one text per line (.txt) or JSONL with a
 * field; writes {@code {"text": …, "embedding": […]}} per line, in input order (standard output
 * without --output).
 */
final class EncodeCommand implements Main.Command {

    @Override
    public String summary() {
        return "embed texts from a file into JSONL vectors (PyTorch or ONNX Runtime)";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Arguments flags = Arguments.parse("encode", args, Set.of("model", "pooling", "input", "output", "backend", "batch-size", "field"),
                Set.of("no-normalize"), Set.of());
        String model = flags.require("model");
        List<String> texts = readTexts(Path.of(flags.require("input")), flags.get("field"));
        String backend = flags.get("backend") == null ? "pytorch" : flags.get("backend");
        Integer batchSize = flags.integer("batch-size");
        if (batchSize != null && batchSize < 1) {
            throw new UsageException("option --batch-size of 'encode' is " + batchSize + "; expected an integer >= 1");
        }
        boolean normalize = !flags.has("no-normalize");
        float[][] vectors;
        switch (backend) {
            case "pytorch" -> {
                try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model, flags.get("pooling"),
                        ModelOptions.defaults().withNormalize(normalize ? null : false))) {
                    vectors = encoder.encode(texts, EncodeOptions.defaults().withBatchSize(batchSize == null ? 32 : batchSize)
                            .withNormalize(normalize ? null : false).withProgressBar(texts.size() > 1000));
                }
            }
            case "onnx" -> {
                try (TextEncoder encoder = Exports.onnxEncoder(Path.of(model), normalize, batchSize == null ? 32 : batchSize)) {
                    vectors = encoder.encode(texts);
                }
            }
            default -> throw new UsageException("option --backend of 'encode' is '" + backend + "'; expected pytorch or onnx");
        }
        write(texts, vectors, flags.get("output"), out);
        return 0;
    }

    private static List<String> readTexts(Path input, String field) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new UsageException("input file " + input + " does not exist");
        }
        boolean jsonl = input.getFileName().toString().endsWith(".jsonl") || field != null;
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                texts.add(jsonl ? field(input, number, line, field == null ? "text" : field) : line);
            }
        }
        if (texts.isEmpty()) {
            throw new UsageException("input file " + input + " holds no text");
        }
        return texts;
    }

    private static String field(Path input, int number, String line, String field) {
        JsonObject row;
        try {
            JsonElement parsed = JsonParser.parseString(line);
            if (!parsed.isJsonObject()) {
                throw new UsageException(input + " line " + number + ": expected a JSON object");
            }
            row = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new UsageException(input + " line " + number + " is not valid JSON: " + e.getMessage());
        }
        JsonElement value = row.get(field);
        if (value == null || !value.isJsonPrimitive()) {
            throw new UsageException(input + " line " + number + " has no text field '" + field + "' (fields: " + row.keySet()
                    + "; choose one with --field)");
        }
        return value.getAsString();
    }

    private static void write(List<String> texts, float[][] vectors, String output, PrintStream out) throws IOException {
        Gson gson = new Gson();
        if (output == null) {
            for (int i = 0; i < texts.size(); i++) {
                out.println(gson.toJson(row(texts.get(i), vectors[i])));
            }
            return;
        }
        Path file = Path.of(output).toAbsolutePath();
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (int i = 0; i < texts.size(); i++) {
                    writer.write(gson.toJson(row(texts.get(i), vectors[i])));
                    writer.write('\n');
                }
            }
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Map<String, Object> row(String text, float[] vector) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("text", text);
        row.put("embedding", vector);
        return row;
    }
}
