package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.cli.CommandLineHelpTest.Result;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.testing.PlainStatistics;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --quantize int8} on a tiny BERT with a calibration file and an STS evaluation: the
 * report (printed and saved) holds the Spearman of both models, equal to the one computed here from
 * their embeddings with plain rank arithmetic; {@code info --model} says the export is int8; flags
 * that contradict each other get one line and exit 2 before any model is loaded.
 */
class ExportQuantizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void int8ExportReportsBothSpearmansAndInfoSaysWhatTheModelIs() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 11);
        List<String> stsRows = Files.readAllLines(SharedData.resolve("sts-b-en/dev.jsonl")).subList(0, 40);
        Path sts = Files.write(dir.resolve("sts.jsonl"), stsRows);
        Path calibration = Files.writeString(dir.resolve("calibration.txt"), "a cat sits on the mat\n\nstocks fell sharply today\n"
                + "银行卡丢了怎么办\nEmbeddings\n");
        Path output = dir.resolve("int8");
        Result export = CommandLineHelpTest.run("export", "--model", model.toString(), "--output", output.toString(), "--quantize", "int8",
                "--calibration", calibration.toString(), "--eval-sts", sts.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).contains("(int8, ").contains("4 texts checked").contains("spearman: pytorch")
                .contains("report saved to " + output.resolve("export-report.json"));
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("export-report.json"))).getAsJsonObject();
        assertThat(report.get("passed").getAsBoolean()).isTrue();
        assertThat(report.get("required_min_cosine").getAsDouble()).isEqualTo(0.99);
        JsonObject evaluation = report.getAsJsonObject("evaluation");

        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        double[] gold = new double[stsRows.size()];
        for (int i = 0; i < stsRows.size(); i++) {
            JsonObject row = JsonParser.parseString(stsRows.get(i)).getAsJsonObject();
            first.add(row.get("sentence1").getAsString());
            second.add(row.get("sentence2").getAsString());
            gold[i] = row.get("score").getAsDouble();
        }
        try (AutoModelForEmbedding pytorch = AutoModelForEmbedding.fromPretrained(model.toString())) {
            assertThat(evaluation.get("pytorch").getAsDouble()).isCloseTo(PlainStatistics.spearman(cosines(pytorch.encode(first), pytorch.encode(second)), gold),
                    within(1e-6));
        }
        // int8 activations are quantized per tensor, so an embedding depends a little on the other texts of its batch: the
        // evaluator hands all 40 sentences to an encoder with the default batch size, as this call does
        try (OnnxEncoder onnx = OnnxEncoder.load(output)) {
            assertThat(evaluation.get("onnx").getAsDouble()).isCloseTo(PlainStatistics.spearman(cosines(onnx.encode(first), onnx.encode(second)), gold),
                    within(1e-6));
        }

        Result info = CommandLineHelpTest.run("info", "--model", output.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("architecture:  bert").contains("precision:     int8")
                .contains("quantization:  dynamic int8: 12 MatMul weights per output channel");
        Result json = CommandLineHelpTest.run("info", "--model", output.resolve("model.onnx").toString(), "--json");
        assertThat(JsonParser.parseString(json.out()).getAsJsonObject().get("precision").getAsString()).isEqualTo("int8");
    }

    @Test
    void contradictoryFlagsGetOneLineAndExitTwo() throws Exception {
        Path out = dir.resolve("out");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
        String[][] calls = {
            {"--fp16", "--quantize", "int8"},
            {"--quantize", "int4"},
            {"--reduce-range"},
            {"--float-embeddings"},
            {"--quantize", "int8", "--min-cosine", "1.5"},
            {"--quantize", "int8", "--calibration", dir.resolve("missing.txt").toString()},
            {"--quantize", "int8", "--calibration", empty.toString()},
        };
        String[] expected = {
            "--fp16 and --quantize int8 exclude each other",
            "--quantize is 'int4'; expected int8",
            "--reduce-range applies to --quantize int8",
            "--float-embeddings applies to --quantize int8",
            "--min-cosine is 1.5; expected a number from -1 to 1",
            "--calibration file " + dir.resolve("missing.txt") + " does not exist",
            "--calibration file " + empty + " has no texts",
        };
        for (int i = 0; i < calls.length; i++) {
            List<String> args = new ArrayList<>(List.of("export", "--model", "all-MiniLM-L6-v2", "--output", out.toString()));
            args.addAll(Arrays.asList(calls[i]));
            Result result = CommandLineHelpTest.run(args.toArray(String[]::new));
            assertThat(result.code()).as(String.join(" ", calls[i])).isEqualTo(2);
            assertThat(result.err().strip()).startsWith("retrievals: ").contains(expected[i]).doesNotContain("\n");
        }
        assertThat(out).doesNotExist();
        Result notOnnx = CommandLineHelpTest.run("info", "--model", dir.toString());
        assertThat(notOnnx.code()).isEqualTo(2);
        assertThat(notOnnx.err().strip()).contains("is neither a model").contains("info --model describes ONNX models").doesNotContain("\n");
    }

    private static double[] cosines(float[][] a, float[][] b) {
        double[] values = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            values[i] = PlainVectors.cosine(a[i], b[i]);
        }
        return values;
    }
}
