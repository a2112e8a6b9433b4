package dev.retrievals.index.retriever;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.index.store.Fingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An on-disk Lucene index of one corpus under the corpus's index folder, built once per corpus
 * fingerprint and retriever settings (in a hidden sibling, renamed into place when complete, so a
 * half-built index is never opened) and reopened afterwards. Each Lucene document carries its
 * corpus position as the doc value {@value #POSITION}.
 */
final class LuceneIndexFolder {
    private static final Logger LOG = LoggerFactory.getLogger(LuceneIndexFolder.class);
    static final String POSITION = "position";
    private static final String COMPLETE = "complete.txt";

    /** Adds the corpus's documents to a writer. */
    @FunctionalInterface
    interface Filler {
        /** Adds document {@code position} of the corpus; the caller adds its position field. */
        Document document(int position) throws IOException;
    }

    /** Writes the whole index through a writer (the caller commits). */
    @FunctionalInterface
    interface Writing {
        /** Adds everything the index holds. */
        void write(IndexWriter writer) throws IOException;
    }

    private LuceneIndexFolder() {}

    /** The folder of a retriever's index of a corpus with given settings. */
    static Path folderFor(SearchCorpus corpus, String retriever, String settings) {
        String key = Fingerprint.of(corpus.fingerprint(), retriever, settings).substring(0, 16);
        return corpus.indexFolder().resolve(retriever + "-" + key);
    }

    /**
     * Opens the index in {@code folder}, building it first if it is not there.
     *
     * @param config the writer's settings (codec, analyzer, similarity); merging is turned off so the
     *     index's order is the corpus order
     */
    static DirectoryReader openOrBuild(Path folder, SearchCorpus corpus, IndexWriterConfig config, Filler filler, String what) {
        return openOrWrite(folder, corpus, config, writer -> {
            for (int position = 0; position < corpus.size(); position++) {
                Document document = filler.document(position);
                document.add(new NumericDocValuesField(POSITION, position));
                writer.addDocument(document);
            }
        }, what);
    }

    /**
     * Opens the index in {@code folder}, writing it first if it is not there.
     *
     * @param config the writer's settings; merging is turned off, so the index holds what {@code writing} added, with each
     *     document's corpus position as its {@value #POSITION} doc value
     */
    static DirectoryReader openOrWrite(Path folder, SearchCorpus corpus, IndexWriterConfig config, Writing writing, String what) {
        try {
            if (!Files.isRegularFile(folder.resolve(COMPLETE))) {
                build(folder, corpus, config, writing, what);
            }
            return DirectoryReader.open(FSDirectory.open(folder));
        } catch (IOException | RuntimeException e) {
            throw new RetrievalsException("Cannot build or open the " + what + " index in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void build(Path folder, SearchCorpus corpus, IndexWriterConfig config, Writing writing, String what)
            throws IOException {
        Files.createDirectories(folder.getParent());
        Path staging = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".partial-");
        long start = System.nanoTime();
        try {
            config.setMergePolicy(NoMergePolicy.INSTANCE);
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            try (Directory directory = FSDirectory.open(staging); IndexWriter writer = new IndexWriter(directory, config)) {
                writing.write(writer);
                writer.commit();
            }
            Files.writeString(staging.resolve(COMPLETE), "corpus " + corpus.fingerprint() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                LOG.info("Another process built {} first; using it", folder);
            }
            LOG.info("Built the {} index of {} documents in {} ({} s)", what, corpus.size(), folder,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        } finally {
            AtomicFolder.deleteQuietly(staging);
        }
    }

    /** Corpus positions by Lucene document id, read from the {@value #POSITION} doc values. */
    static int[] positions(DirectoryReader reader) throws IOException {
        int[] positions = new int[reader.maxDoc()];
        for (LeafReaderContext leaf : reader.leaves()) {
            NumericDocValues values = leaf.reader().getNumericDocValues(POSITION);
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (values == null || !values.advanceExact(doc)) {
                    throw new IOException("document " + (leaf.docBase + doc) + " has no " + POSITION + " value");
                }
                positions[leaf.docBase + doc] = (int) values.longValue();
            }
        }
        return positions;
    }

    /** Closes a reader of a read-only index; a failure loses nothing, so it is ignored. */
    static void closeQuietly(DirectoryReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    /** Lucene hits as corpus hits, best first (higher score, then lower corpus position). */
    static List<SearchHit> hits(ScoreDoc[] scoreDocs, int[] positions) {
        List<SearchHit> hits = new ArrayList<>(scoreDocs.length);
        for (ScoreDoc scoreDoc : scoreDocs) {
            hits.add(new SearchHit(positions[scoreDoc.doc], scoreDoc.score));
        }
        hits.sort(TopHits::compareBestFirst);
        return hits;
    }
}
