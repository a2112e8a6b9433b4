package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad inputs run through the command: each exits with code 2 and one line that names
 * the problem, and leaves no partial output behind.
 */
class BadInputCorpusTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void saveAModel() {
        model = dir.resolve("minilm");
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            encoder.save(model);
        }
    }

    record Case(String name, Setup setup, String expected) {}

    @FunctionalInterface
    interface Setup {
        String[] args(Path folder) throws IOException;
    }

    private static Path write(Path folder, String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static Path copyModel(Path folder) throws IOException {
        Path copy = folder.resolve("model-copy");
        try (Stream<Path> files = Files.walk(model)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(model.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return copy;
    }

    private static final String PAIRS = "{\"sentence1\": \"a\", \"sentence2\": \"b\", \"score\": 1}\n";
    private static final String PAIR = "{\"query\": \"what is a cat\", \"positive\": \"a small animal\"}\n";
    /** The content of an output that exists before a command runs, and must be left as it is. */
    private static final String KEEP = "keep\n";

    /** A mine command writing {@code mined.jsonl} in {@code folder}. */
    private static String[] mine(Path folder, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("mine", "--model", model.toString(), "--data", data.toString(), "--output",
                folder.resolve("mined.jsonl").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** A BEIR folder with one query ("what is a cat") judging {@code judged}, and the corpus given. */
    private static Path beir(Path folder, String corpus, String judged) throws IOException {
        Path beir = folder.resolve("beir");
        write(beir, "corpus.jsonl", corpus);
        write(beir, "queries.jsonl", "{\"id\": \"q1\", \"text\": \"what is a cat\"}\n");
        write(beir, "qrels/train.tsv", "query-id\tcorpus-id\tscore\nq1\t" + judged + "\t1\n");
        return beir;
    }

    /** A small train command; {@code extra} flags replace the defaults of the same name. */
    private static String[] train(Path folder, Path data, String... extra) {
        java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
        flags.put("--model", model.toString());
        flags.put("--data", data.toString());
        flags.put("--loss", "cosent");
        flags.put("--output-dir", folder.resolve("out").toString());
        flags.put("--max-steps", "1");
        List<String> repeated = new ArrayList<>();
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i].equals("--loss-option")) {
                repeated.addAll(List.of(extra[i], extra[i + 1]));
            } else {
                flags.put(extra[i], extra[i + 1]);
            }
        }
        List<String> args = new ArrayList<>(List.of("train", "--no-export"));
        flags.forEach((flag, value) -> args.addAll(List.of(flag, value)));
        args.addAll(repeated);
        return args.toArray(String[]::new);
    }

    static List<Case> corpus() {
        return List.of(
                new Case("malformed JSONL line", f -> train(f, write(f, "d.jsonl", PAIRS + "{\"sentence1\": \"a\",\n")), "line 2"),
                new Case("wrong field type", f -> train(f, write(f, "d.jsonl", PAIRS.replace("\"score\": 1", "\"score\": \"high\""))),
                        "d.jsonl line 1: column 'score' should be a number"),
                new Case("missing column", f -> train(f, write(f, "d.jsonl", "{\"sentence1\": \"a\", \"score\": 1}\n")), "sentence2"),
                new Case("byte-order mark before a wrong field type", f -> train(f,
                        write(f, "d.jsonl", "\uFEFF" + PAIRS.replace("\"score\": 1", "\"score\": [1]"))), "d.jsonl line 1"),
                new Case("10 MB single line that never closes", f -> train(f,
                        write(f, "d.jsonl", PAIRS + "{\"sentence1\": \"" + "word ".repeat(2_000_000) + "\n" + PAIRS)), "d.jsonl line 2"),
                new Case("empty data file", f -> train(f, write(f, "d.jsonl", "")), "d.jsonl has no rows"),
                new Case("invalid UTF-8", f -> {
                    Path file = f.resolve("d.jsonl");
                    Files.write(file, new byte[] {'{', '"', 's', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
                    return train(f, file);
                }, "UTF-8"),
                new Case("unknown loss", f -> train(f, write(f, "d.jsonl", PAIRS), "--loss", "infonse"), "Unknown loss 'infonse'"),
                new Case("unknown loss option", f -> train(f, write(f, "d.jsonl", PAIRS), "--loss-option", "sacle=20"),
                        "Unknown option 'sacle' for loss 'cosent'"),
                new Case("out-of-range temperature", f -> train(f, write(f, "d.jsonl", "{\"query\": \"a\", \"positive\": \"b\"}\n"),
                        "--loss", "infonce", "--loss-option", "temperature=0"), "Option 'temperature' of loss 'infonce' is '0'"),
                new Case("negative learning rate", f -> train(f, write(f, "d.jsonl", PAIRS), "--learning-rate", "-1e-5"),
                        "Option 'learning_rate' of training arguments is '-1e-5'"),
                new Case("unknown training argument", f -> train(f, write(f, "d.jsonl", PAIRS), "--training-argument", "layerwise_decay=0.8"),
                        "layerwise_decay"),
                new Case("training argument without a value", f -> train(f, write(f, "d.jsonl", PAIRS), "--training-argument",
                        "layerwise_lr_decay"), "--training-argument"),
                new Case("batch size 0", f -> train(f, write(f, "d.jsonl", PAIRS), "--batch-size", "0"),
                        "'per_device_train_batch_size' of training arguments is '0'"),
                new Case("unknown pooling", f -> train(f, write(f, "d.jsonl", PAIRS), "--pooling", "avg"), "Unknown pooling 'avg'"),
                new Case("loss the data cannot feed", f -> train(f, write(f, "d.jsonl", PAIRS), "--loss", "arcface"),
                        "loss 'arcface' is point-wise: it needs a 'label' column"),
                new Case("missing data file", f -> train(f, f.resolve("nowhere.jsonl")), "nowhere.jsonl does not exist"),
                new Case("missing STS evaluation file", f -> train(f, write(f, "d.jsonl", PAIRS), "--eval-sts", "no-sts.jsonl"),
                        "evaluation file no-sts.jsonl does not exist"),
                new Case("output folder under a file", f -> {
                    Path blocker = write(f, "blocker.txt", "x");
                    return train(f, write(f, "d.jsonl", PAIRS), "--output-dir", blocker.resolve("out").toString());
                }, "blocker.txt"),
                new Case("output folder not writable", f -> train(f, write(f, "d.jsonl", PAIRS), "--output-dir", "/sys/retrievals-out"),
                        "output_dir /sys/retrievals-out is not a folder that can be written to"),
                new Case("resume from a folder that is no checkpoint", f -> new String[] {"train", "--config",
                        write(f, "c.json", "{\"model\": \"" + model + "\", \"data\": {\"train\": \"" + write(f, "d.jsonl", PAIRS)
                                + "\"}, \"loss\": {\"name\": \"cosent\"}, \"export_onnx\": false, \"output_dir\": \"out\","
                                + " \"training_arguments\": {\"resume_from_checkpoint\": \"" + f + "\"}}").toString()},
                        "is not a complete checkpoint"),
                // No GPU here: --device gpu must reach the model and fail clearly, never fall back to the CPU silently.
                new Case("a GPU that is not there", f -> train(f, write(f, "d.jsonl", PAIRS), "--device", "gpu"),
                        "Device 'gpu' is not available: the PyTorch engine sees 0 GPU(s)"),
                new Case("a device that is no device", f -> train(f, write(f, "d.jsonl", PAIRS), "--device", "cuda:0"),
                        "Device 'cuda:0' is not valid; expected cpu, gpu or gpu:N"),
                new Case("a GPU in the configuration", f -> new String[] {"train", "--config",
                        write(f, "c.json", "{\"model\": \"" + model + "\", \"device\": \"gpu:1\", \"data\": {\"train\": \""
                                + write(f, "d.jsonl", PAIRS) + "\"}, \"loss\": {\"name\": \"cosent\"}, \"export_onnx\": false,"
                                + " \"output_dir\": \"out\"}").toString()},
                        "Device 'gpu:1' is not available"),
                new Case("a malformed device in the configuration", f -> new String[] {"train", "--config",
                        write(f, "c.json", "{\"device\": \"gpu one\"}").toString()}, "c.json: 'device': Device 'gpu one' is not valid"),
                new Case("evaluate on a GPU that is not there", f -> new String[] {"evaluate", "--model", model.toString(), "--device",
                        "gpu:0", "--sts", write(f, "s.jsonl", PAIRS + PAIRS.replace("1}", "4}")).toString()}, "Device 'gpu:0' is not available"),
                new Case("unknown config key", f -> new String[] {"train", "--config", write(f, "c.json", "{\"modle\": \"x\"}").toString()},
                        "unknown key 'modle'"),
                new Case("config that is not JSON", f -> new String[] {"train", "--config", write(f, "c.json", "model: x").toString()},
                        "c.json"),
                new Case("missing config file", f -> new String[] {"train", "--config", f.resolve("none.json").toString()},
                        "none.json does not exist"),
                new Case("unknown command", f -> new String[] {"trian"}, "unknown command 'trian'"),
                new Case("unknown flag", f -> new String[] {"encode", "--modle", "x"}, "unknown option --modle"),
                new Case("evaluate without a model", f -> new String[] {"evaluate", "--sts", "x.jsonl"}, "'evaluate' needs --model"),
                new Case("evaluate with two datasets", f -> new String[] {"evaluate", "--model", model.toString(), "--sts", "a",
                        "--retrieval", "b"}, "exactly one of"),
                new Case("evaluate with an unknown backend", f -> new String[] {"evaluate", "--model", model.toString(), "--sts",
                        write(f, "sts.jsonl", PAIRS + PAIRS.replace("1}", "3}")).toString(), "--backend", "tensorflow"},
                        "option --backend of 'evaluate' is 'tensorflow'; expected pytorch or onnx"),
                new Case("evaluate on ONNX Runtime a run folder without an export", f -> {
                    Files.createDirectories(f.resolve("run"));
                    Files.writeString(f.resolve("run/metrics.jsonl"), "");
                    return new String[] {"evaluate", "--model", f.resolve("run").toString(), "--backend", "onnx", "--sts",
                            write(f, "sts.jsonl", PAIRS + PAIRS.replace("1}", "3}")).toString()};
                }, "has no ONNX export"),
                new Case("missing encode input", f -> new String[] {"encode", "--model", model.toString(), "--input", "none.txt"},
                        "input file none.txt does not exist"),
                new Case("JSONL line without the text field", f -> new String[] {"encode", "--model", model.toString(), "--input",
                        write(f, "in.jsonl", "{\"body\": \"x\"}\n").toString()}, "in.jsonl row 1: column 'text' not found; columns"
                        + " present: [body] (choose the text field with --field)"),
                new Case("encode output of another kind", f -> new String[] {"encode", "--model", model.toString(), "--input",
                        write(f, "in.txt", "x\n").toString(), "--output", f.resolve("v.csv").toString()}, "ending in .jsonl or .npy"),
                new Case("encode --resume without --output", f -> new String[] {"encode", "--model", model.toString(), "--input",
                        write(f, "in.txt", "x\n").toString(), "--resume"}, "--resume needs --output"),
                new Case("encode over an existing output", f -> new String[] {"encode", "--model", model.toString(), "--input",
                        write(f, "in.txt", "x\n").toString(), "--output", write(f, "mined.jsonl", KEEP).toString()}, "exists; choose a new"
                        + " path or add --overwrite"),
                new Case("mine: pairs without the positive column", f -> mine(f, write(f, "p.jsonl", "{\"query\": \"a\", \"answer\": \"b\"}\n")),
                        "p.jsonl line 1: column 'positive' not found"),
                new Case("mine: empty corpus", f -> mine(f, beir(f, "", "d1")), "corpus.jsonl has no documents"),
                new Case("mine: qrel naming a missing document", f -> mine(f, beir(f, "{\"id\": \"d1\", \"text\": \"a cat\"}\n", "d2")),
                        "names corpus-id 'd2' for query 'what is a cat', but"),
                new Case("mine: split without qrels", f -> mine(f, beir(f, "{\"id\": \"d1\", \"text\": \"a cat\"}\n", "d1"), "--split",
                        "dev"), "No qrels for split 'dev'"),
                new Case("mine: unknown retriever", f -> mine(f, write(f, "p.jsonl", PAIR), "--retriever", "hnws"),
                        "Unknown retriever 'hnws'"),
                new Case("mine: unknown analyzer", f -> mine(f, write(f, "p.jsonl", PAIR), "--retriever", "bm25", "--analyzer", "klingon"),
                        "Option 'analyzer' of retriever 'bm25' is 'klingon'"),
                new Case("mine: existing output", f -> {
                    write(f, "mined.jsonl", KEEP);
                    return mine(f, write(f, "p.jsonl", PAIR));
                }, "mined.jsonl exists"),
                new Case("mine: range-max not above range-min", f -> mine(f, write(f, "p.jsonl", PAIR), "--range-min", "5", "--range-max",
                        "3"), "Option 'range_max' of hard-negative miner is 3"),
                new Case("mine: unknown format", f -> mine(f, write(f, "p.jsonl", PAIR), "--format", "csv"), "Option 'format' is 'csv'"),
                new Case("train: missing retrieval evaluation folder", f -> train(f, write(f, "d.jsonl", PAIRS), "--eval-retrieval", "nowhere"),
                        "evaluation folder nowhere does not exist"),
                new Case("train: margin_mse on triplets", f -> train(f, write(f, "d.jsonl", "{\"query\": \"a\", \"positive\": \"b\","
                        + " \"negative\": \"c\"}\n"), "--loss", "margin_mse"), "needs teacher scores, which triplet rows do not carry"),
                new Case("train: margin_mse on FlagEmbedding rows without scores", f -> train(f, write(f, "d.jsonl",
                        "{\"query\": \"a\", \"pos\": [\"b\"], \"neg\": [\"c\"]}\n"), "--loss", "margin_mse"), "missing [neg_scores, pos_scores]"),
                new Case("encode batch size 0", f -> new String[] {"encode", "--model", model.toString(), "--input",
                        write(f, "in.txt", "x\n").toString(), "--batch-size", "0"}, "--batch-size"),
                new Case("model folder without weights", f -> {
                    Path copy = copyModel(f);
                    Files.delete(copy.resolve("model.safetensors"));
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "has no weights"),
                new Case("truncated model.safetensors", f -> {
                    Path copy = copyModel(f);
                    byte[] bytes = Files.readAllBytes(copy.resolve("model.safetensors"));
                    Files.write(copy.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "model.safetensors"),
                new Case("config.json without a required key", f -> {
                    Path copy = copyModel(f);
                    Files.writeString(copy.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 384}");
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "key 'vocab_size' is missing"),
                new Case("unknown model_type", f -> {
                    Path copy = copyModel(f);
                    String config = Files.readString(copy.resolve("config.json"));
                    Files.writeString(copy.resolve("config.json"), config.replace("\"bert\"", "\"gpt2\""));
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "Unknown architecture 'gpt2'"),
                new Case("tensor of the wrong shape", f -> {
                    Path copy = copyModel(f);
                    String config = Files.readString(copy.resolve("config.json"));
                    Files.writeString(copy.resolve("config.json"), config.replace("\"intermediate_size\": 1536", "\"intermediate_size\": 1024"));
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "intermediate.dense.weight' has shape (1536, 384)"),
                new Case("tokenizer from another model", f -> {
                    Path copy = copyModel(f);
                    String config = Files.readString(copy.resolve("config.json"));
                    Files.writeString(copy.resolve("config.json"), config.replace("\"vocab_size\": 30522", "\"vocab_size\": 21128"));
                    return new String[] {"export", "--model", copy.toString(), "--output", f.resolve("onnx").toString()};
                }, "produces token ids up to 30521 but the model's word embedding table has 21128 rows"),
                new Case("corrupt ONNX file", f -> {
                    Path onnx = write(f, "broken/model.onnx", "this is not a protobuf");
                    Files.copy(model.resolve("tokenizer.json"), f.resolve("broken/tokenizer.json"));
                    return new String[] {"encode", "--model", onnx.getParent().toString(), "--backend", "onnx", "--input",
                            write(f, "in.txt", "x\n").toString()};
                }, "model.onnx"));
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputExitsWithOneClearLine() {
        return corpus().stream().map(badInput -> DynamicTest.dynamicTest(badInput.name(), () -> {
            Path folder = Files.createDirectories(dir.resolve(badInput.name().replace(' ', '-')));
            String[] args = badInput.setup().args(folder);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            System.out.println("bad input: " + badInput.name() + " -> " + message.strip());
            assertThat(code).as(badInput.name() + ": " + message).isEqualTo(2);
            assertThat(message).startsWith("retrievals: ").contains(badInput.expected());
            assertThat(message.strip().lines().count()).as("one line").isEqualTo(1);
            assertThat(message.length()).as("a short line: " + message.substring(0, Math.min(300, message.length())))
                    .isLessThan(1000);
            assertThat(folder.resolve("out/model")).as("no model saved").doesNotExist();
            assertThat(folder.resolve("onnx/model.onnx")).as("no export").doesNotExist();
            try (Stream<Path> files = Files.walk(folder)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial"));
            }
            Path mined = folder.resolve("mined.jsonl");
            if (Files.exists(mined)) {
                assertThat(Files.readString(mined)).as("an output that existed is left as it was").isEqualTo(KEEP);
            }
        }));
    }
}
