package dev.retrievals.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where {@code retrievals encode} puts the vectors of a finished corpus store: JSONL rows
 * {@code {"id", "text", "embedding"}} (a file or standard output), or a NumPy {@code .npy} file
 * (float32 {@code [texts, dimension]}) with the ids, one per line, in {@code NAME.ids.txt} beside
 * it. Files are written under a hidden name and moved into place when complete; the store of an
 * unfinished run is kept in {@code .NAME.encoding} beside the output for {@code --resume}.
 */
final class EncodedOutput {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Path file;
    private final boolean overwrite;

    private EncodedOutput(Path file, boolean overwrite) {
        this.file = file;
        this.overwrite = overwrite;
    }

    /** JSONL rows on standard output. */
    static EncodedOutput standardOutput() {
        return new EncodedOutput(null, false);
    }

    /**
     * A file ending in {@code .jsonl} or {@code .npy}.
     *
     * @throws UsageException for another ending, or a file (or its ids file) that exists without {@code overwrite}
     */
    static EncodedOutput of(Path file, boolean overwrite) {
        Path absolute = file.toAbsolutePath().normalize();
        String name = absolute.getFileName().toString();
        if (!name.endsWith(".jsonl") && !name.endsWith(".npy")) {
            throw new UsageException("option --output of 'encode' is " + file + "; expected a name ending in .jsonl or .npy");
        }
        EncodedOutput output = new EncodedOutput(absolute, overwrite);
        for (Path existing : output.files()) {
            if (Files.exists(existing) && !overwrite) {
                throw new UsageException("output " + existing + " exists; choose a new path or add --overwrite");
            }
        }
        return output;
    }

    private boolean npy() {
        return file != null && file.getFileName().toString().endsWith(".npy");
    }

    /** The files this output writes. */
    private java.util.List<Path> files() {
        return npy() ? java.util.List.of(file, idsFile()) : java.util.List.of(file);
    }

    /** {@code NAME.ids.txt} beside {@code NAME.npy}. */
    Path idsFile() {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".ids.txt");
    }

    /** The folder beside the output where the corpus store is kept until the output is written. */
    Path workFolder() {
        return file.resolveSibling("." + file.getFileName() + ".encoding");
    }

    /** Writes the store's vectors. */
    void write(CorpusStore store, PrintWriter standardOutput) throws IOException {
        if (file == null) {
            for (int document = 0; document < store.size(); document++) {
                standardOutput.println(GSON.toJson(row(store, document)));
            }
            standardOutput.flush();
            return;
        }
        Files.createDirectories(file.getParent());
        if (!npy()) {
            Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
            try {
                try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                    for (int document = 0; document < store.size(); document++) {
                        writer.write(GSON.toJson(row(store, document)));
                        writer.write('\n');
                    }
                }
                moveIntoPlace(temporary, file);
            } finally {
                Files.deleteIfExists(temporary);
            }
            return;
        }
        Path vectors = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
        Path ids = Files.createTempFile(file.getParent(), "." + idsFile().getFileName(), ".partial");
        try {
            try (Writer writer = Files.newBufferedWriter(ids, StandardCharsets.UTF_8)) {
                for (int document = 0; document < store.size(); document++) {
                    String id = store.id(document);
                    if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
                        throw new RetrievalsException("document " + (document + 1) + " has an id with a line break, which "
                                + idsFile().getFileName() + " (one id per line) cannot hold; write JSONL instead");
                    }
                    writer.write(id);
                    writer.write('\n');
                }
            }
            Files.copy(store.vectorsFile(), vectors, StandardCopyOption.REPLACE_EXISTING);
            moveIntoPlace(ids, idsFile());
            moveIntoPlace(vectors, file);
        } finally {
            Files.deleteIfExists(vectors);
            Files.deleteIfExists(ids);
        }
    }

    private void moveIntoPlace(Path temporary, Path target) throws IOException {
        if (Files.exists(target) && !overwrite) {
            throw new UsageException("output " + target + " appeared while encoding; it was left as it is");
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Map<String, Object> row(CorpusStore store, int position) {
        CorpusDocument document = store.document(position);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", document.id());
        row.put("text", document.text());
        row.put("embedding", store.vector(position));
        return row;
    }
}
