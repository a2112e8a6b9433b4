package dev.retrievals.cli;

import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.DataProblem;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.CorpusStoreBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals encode --model ID|PATH --input FILE|BEIR_DIR [--output FILE.jsonl|FILE.npy]
 * [--backend pytorch|onnx] [--role plain|query|document] [--resume] ...}: streams the texts through a corpus store (a chunk at a
 * time, so memory does not grow with the input; chunks are kept on disk, so {@code --resume} goes on
 * after an interruption), then writes JSONL rows {@code {"id", "text", "embedding"}} or a NumPy
 * {@code .npy} matrix with the ids beside it ({@link EncodedOutput}).
 */
@Command(name = "encode", sortOptions = false, description = {"Embed texts (one per line, a JSONL field or a BEIR folder's"
        + " corpus) with PyTorch or ONNX Runtime, streaming: memory does not grow with the input, and an interrupted run goes on"
        + " with --resume.", "Writes JSONL rows {\"id\", \"text\", \"embedding\"}, or a .npy matrix [texts, dimension] (float32)"
        + " with the ids, one per line, in FILE.ids.txt."})
final class EncodeCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Mixin
    EngineSelection engine;

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "Texts: one per line (.txt), JSONL with a"
            + " text field (ids from its id or _id field, else the row number), or a BEIR folder (its corpus.jsonl, title and"
            + " text).")
    Path input;

    @Option(names = "--field", paramLabel = "NAME", description = "The JSONL field that holds the text (default: text).")
    String field;

    @Option(names = "--output", paramLabel = "FILE", description = "FILE.jsonl or FILE.npy (plus FILE.ids.txt); default: JSONL on"
            + " standard output. An existing file is refused unless --overwrite.")
    Path output;

    @Option(names = "--role", paramLabel = "plain|query|document", defaultValue = "plain", description = "The prompt the texts"
            + " get: none (plain, the default), or the query or document prompt (the model's saved one, or --query-prompt /"
            + " --document-prompt), left out of the pooling when include_prompt is false.")
    String role;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--no-normalize", description = "Keep the vectors' lengths (no L2 normalisation).")
    boolean noNormalize;

    @Option(names = "--chunk-size", paramLabel = "N", defaultValue = "4096", description = "Texts encoded and forced to disk"
            + " together, the unit of --resume (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--resume", description = "Go on from the chunks an interrupted run with the same input, model and --output"
            + " wrote (in .FILE.encoding beside the output).")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace an existing output file.")
    boolean overwrite;

    @Override
    protected int run() throws Exception {
        if (batchSize < 1) {
            throw new UsageException("option --batch-size of 'encode' is " + batchSize + "; expected an integer >= 1");
        }
        if (!role.equals("plain") && !role.equals("query") && !role.equals("document")) {
            throw new UsageException("option --role of 'encode' is '" + role + "'; expected plain, query or document");
        }
        if (chunkSize < 1) {
            throw new UsageException("option --chunk-size of 'encode' is " + chunkSize + "; expected an integer >= 1");
        }
        EncodedOutput target = output == null ? EncodedOutput.standardOutput() : EncodedOutput.of(output, overwrite);
        if (resume && output == null) {
            throw new UsageException("--resume needs --output (the chunks are kept beside the output file)");
        }
        CorpusSource source = source();
        Path work = output == null ? Files.createTempDirectory("retrievals-encode-").resolve("store") : target.workFolder();
        try {
            try (ModelEncoders.Opened model = engine.open(selection, name(), !noNormalize, batchSize);
                    CorpusStore store = builder(work, model).build(source)) {
                target.write(store, out());
            } catch (DataException e) {
                if (e.problem() == DataProblem.MISSING_COLUMN) {
                    throw new UsageException(e.getMessage() + " (choose the text field with --field)");
                }
                throw e;
            }
            AtomicFolder.deleteQuietly(output == null ? work.getParent() : work);
        } catch (RuntimeException | IOException e) {
            if (output == null) {
                AtomicFolder.deleteQuietly(work.getParent());
            }
            throw e;
        }
        return 0;
    }

    private CorpusStoreBuilder builder(Path work, ModelEncoders.Opened model) {
        CorpusStoreBuilder builder = CorpusStore.builder(work).encoder(model.encoder(), model.fingerprint()).batchSize(batchSize)
                .chunkSize(chunkSize).unitVectors(!noNormalize).resume(resume).showProgressBar(true);
        return switch (role) {
            case "query" -> builder.prompt(model.encoder().prompts().query());
            case "document" -> builder; // the store encodes documents with the model's document prompt
            default -> builder.prompt("");
        };
    }

    /** The input as a stream of documents: a BEIR folder, JSONL (with --field) or one text per line. */
    private CorpusSource source() {
        if (Files.isDirectory(input)) {
            if (!Files.isRegularFile(input.resolve("corpus.jsonl"))) {
                throw new UsageException("input folder " + input + " has no corpus.jsonl; expected a text file, a JSONL file or a BEIR"
                        + " folder");
            }
            return CorpusSource.beir(input, true);
        }
        if (!Files.isRegularFile(input)) {
            throw new UsageException("input file " + input + " does not exist");
        }
        boolean jsonl = input.getFileName().toString().endsWith(".jsonl") || field != null;
        return jsonl ? CorpusSource.jsonl(input, field == null ? "text" : field, false, false) : CorpusSource.lines(input);
    }
}
