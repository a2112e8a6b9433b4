package dev.retrievals.cli;

import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.ExportPrecision;
import dev.retrievals.onnx.QuantizedMatMulOp;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals export --model ID|PATH --output DIR [--fp16 | --quantize int8 [--activations FORM] [--reduce-range]]}: writes
 * {@code model.onnx} with pooling and normalisation in the graph, plus the tokenizer files, checks it
 * in ONNX Runtime against the PyTorch model (an accuracy gate) and saves the report beside it.
 */
@Command(name = "export", description = {"Export a model to ONNX (pooling and normalisation inside the graph), checked in ONNX"
        + " Runtime against the PyTorch model; the report is printed and saved beside it (export-report.json).",
    "A reranker (saved as ...ForSequenceClassification) exports with the output logits [batch, num_labels].",
    "--quantize int8 stores the MatMul weights as int8 (per output channel) and quantizes activations at run time: a smaller,"
        + " faster file for CPUs, gated by --min-cosine (default 0.99) against the PyTorch model."})
final class ExportCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write (created, or replaced if it holds a model).")
    Path output;

    @Option(names = "--fp16", description = "Store the weights in half precision (about half the size).")
    boolean fp16;

    @Option(names = "--quantize", paramLabel = "int8", description = "Quantize: int8 MatMul weights, per output channel, symmetric;"
            + " activations quantized at run time (see --activations), MatMulInteger. Excludes --fp16.")
    String quantize;

    @Option(names = "--activations", paramLabel = "FORM", description = "With --quantize int8: how activations are quantized."
            + " mixed (default): chosen per MatMul on the sample texts - per tensor where harmless, per row where outliers need it,"
            + " float32 where even per row costs too much - aiming at --min-cosine plus 0.002; per_row: every activation per row (per"
            + " token); per_tensor: every activation per tensor (fastest, least accurate).")
    String activations;

    @Option(names = "--reduce-range", description = "With --quantize int8: 7-bit weights ([-64, 64]) for CPUs without AVX-512 VNNI"
            + " or AVX-VNNI, whose uint8 x int8 instructions sum pairs of products in saturating 16-bit integers that 8-bit weights can"
            + " overflow (costs a little accuracy; not needed on VNNI CPUs or ARM).")
    boolean reduceRange;

    @Option(names = "--float-embeddings", description = "With --quantize int8: keep the word-embedding table float32 (by default it is"
            + " int8 too, one scale per token, which shrinks the file to about a quarter).")
    boolean floatEmbeddings;

    @Option(names = "--min-cosine", paramLabel = "X", description = "The accuracy gate: the smallest allowed cosine between an ONNX and"
            + " a PyTorch embedding of the sample texts (default 0.99 for int8, 0.999 for fp16, 0.9999 for fp32).")
    Double minCosine;

    @Option(names = "--calibration", paramLabel = "FILE", description = "Texts to check the export on, one a line (default: a"
            + " built-in sample of Chinese and English texts).")
    Path calibration;

    @Option(names = "--eval-sts", paramLabel = "FILE", description = "An STS file (sentence1, sentence2, score): report the Spearman"
            + " correlation of the PyTorch and of the ONNX model.")
    Path evalSts;

    @Option(names = "--force", description = "Write the file even when it fails the check (with a warning; the report says it failed).")
    boolean force;

    @Option(names = "--sigmoid", description = "For a reranker: put the sigmoid inside the graph, so it outputs probabilities.")
    boolean sigmoid;

    @Override
    protected int run() {
        ExportOptions options = options();
        if (ModelKind.isReranker(selection.model)) {
            if (options.precision() == ExportPrecision.INT8 || evalSts != null) {
                throw new UsageException((evalSts != null ? "--eval-sts" : "--quantize int8") + " applies to embedding models; "
                        + selection.model + " is a reranker");
            }
            try (AutoModelForRanking reranker = AutoModelForRanking.builder(selection.model).modelOptions(selection.options()).build()) {
                out().println(OnnxRankerExporter.export(reranker, output, options, sigmoid));
            }
            return 0;
        }
        if (sigmoid) {
            throw new UsageException("--sigmoid applies to rerankers; " + selection.model + " is an embedding model");
        }
        if (evalSts != null) {
            options = options.withEvaluator(StsEvaluator.builder(evalSts).build());
        }
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(selection.model, selection.pooling, selection.options())) {
            out().println(Exports.export(encoder, output, options));
        }
        return 0;
    }

    /** The export options the flags ask for; contradictory or out-of-range flags are a usage error. */
    ExportOptions options() {
        ExportPrecision precision = fp16 ? ExportPrecision.FP16 : ExportPrecision.FP32;
        if (quantize != null) {
            if (!quantize.toLowerCase(Locale.ROOT).equals("int8")) {
                throw new UsageException("--quantize is '" + quantize + "'; expected int8");
            }
            if (fp16) {
                throw new UsageException("--fp16 and --quantize int8 exclude each other: choose one precision");
            }
            precision = ExportPrecision.INT8;
        } else if (reduceRange || floatEmbeddings || activations != null) {
            throw new UsageException((reduceRange ? "--reduce-range" : floatEmbeddings ? "--float-embeddings" : "--activations")
                    + " applies to --quantize int8");
        }
        ExportOptions options = ExportOptions.of(precision).withForce(force);
        if (precision == ExportPrecision.INT8) {
            options = options.withQuantization(options.quantization().withReduceRange(reduceRange).withEmbeddings(!floatEmbeddings));
            if (activations != null) {
                options = options.withQuantization(options.quantization().withOp(activationOp(activations)));
            }
        }
        if (minCosine != null) {
            if (!(minCosine >= -1 && minCosine <= 1)) {
                throw new UsageException("--min-cosine is " + minCosine + "; expected a number from -1 to 1");
            }
            options = options.withBounds(options.maxAbsDifference(), minCosine);
        }
        return calibration == null ? options : options.withSampleTexts(calibrationTexts(calibration));
    }

    /** The MatMul form of an {@code --activations} value. */
    static QuantizedMatMulOp activationOp(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "mixed":
                return QuantizedMatMulOp.MIXED;
            case "per_row":
                return QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW;
            case "per_tensor":
                return QuantizedMatMulOp.MATMUL_INTEGER;
            default:
                throw new UsageException("--activations is '" + value + "'; expected mixed, per_row or per_tensor");
        }
    }

    /** The non-blank lines of a text file. */
    static List<String> calibrationTexts(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--calibration file " + file + " does not exist");
        }
        List<String> texts;
        try {
            texts = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UsageException("--calibration file " + file + " cannot be read as UTF-8 text: " + e.getMessage());
        }
        if (texts.isEmpty()) {
            throw new UsageException("--calibration file " + file + " has no texts; expected one text a line");
        }
        return texts;
    }
}
