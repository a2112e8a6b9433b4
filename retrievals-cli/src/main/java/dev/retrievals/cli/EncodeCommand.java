package dev.retrievals.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.EncodeOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals encode --model ID|PATH --input FILE [--output FILE.jsonl] [--backend pytorch|onnx]
 * [--batch-size N] [--no-normalize] [--field NAME]}: one text per line (.txt) or JSONL with a
 * field; writes {@code {"text": …, "embedding": […]}} per line, in input order (standard output
 * without --output).
 */
@Command(name = "encode", description = "Embed texts from a file (one per line, or a JSONL field) into JSONL vectors, with"
        + " PyTorch or ONNX Runtime.")
final class EncodeCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Texts: one per line (.txt), or JSONL with a text field.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE.jsonl", description = "Where to write {\"text\": ..., \"embedding\": [...]} lines"
            + " (default: standard output).")
    Path output;

    @Mixin
    BackendSelection backend;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--no-normalize", description = "Keep the vectors' lengths (no L2 normalisation).")
    boolean noNormalize;

    @Option(names = "--field", paramLabel = "NAME", description = "The JSONL field that holds the text (default: text).")
    String field;

    @Override
    protected int run() throws Exception {
        List<String> texts = readTexts(input, field);
        if (batchSize < 1) {
            throw new UsageException("option --batch-size of 'encode' is " + batchSize + "; expected an integer >= 1");
        }
        boolean normalize = !noNormalize;
        float[][] vectors;
        if (backend.onnx(name())) {
            try (TextEncoder encoder = Exports.onnxEncoder(Path.of(selection.model), normalize, batchSize, selection.device)) {
                vectors = encoder.encode(texts);
            }
        } else {
            try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(selection.model, selection.pooling,
                    selection.options().withNormalize(normalize ? null : false))) {
                vectors = encoder.encode(texts, EncodeOptions.defaults().withBatchSize(batchSize)
                        .withNormalize(normalize ? null : false).withProgressBar(texts.size() > 1000));
            }
        }
        write(texts, vectors, output, out());
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

    private static void write(List<String> texts, float[][] vectors, Path output, PrintWriter out) throws IOException {
        Gson gson = new Gson();
        if (output == null) {
            for (int i = 0; i < texts.size(); i++) {
                out.println(gson.toJson(row(texts.get(i), vectors[i])));
            }
            return;
        }
        Path file = output.toAbsolutePath();
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
