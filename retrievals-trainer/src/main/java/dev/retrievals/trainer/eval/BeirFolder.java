package dev.retrievals.trainer.eval;

import dev.retrievals.index.beir.BeirQrels;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retrieval dataset in BEIR's layout, read into memory: the judged queries and their judgments
 * ({@link BeirQrels}) and the corpus ({@link CorpusSource#beir}: {@code id} or BEIR's {@code _id},
 * optional {@code title}, {@code text}; a title precedes its text, joined by a space, as BEIR's
 * sentence-transformers model wrapper does).
 */
final class BeirFolder {
    private static final Logger LOG = LoggerFactory.getLogger(BeirFolder.class);

    final List<String> queryIds = new ArrayList<>();
    final List<String> queryTexts = new ArrayList<>();
    final List<Map<String, Integer>> judgments = new ArrayList<>();
    final List<String> documentIds = new ArrayList<>();
    final List<String> documentTexts = new ArrayList<>();

    /**
     * Reads the folder.
     *
     * @param folder the BEIR folder
     * @param split the qrels file name without {@code .tsv}
     * @param maxQueries the first this many judged queries (0: all)
     * @param maxCorpusSize at most this many documents, but always every document judged for the
     *     evaluated queries; the rest are the first others in file order (0: the whole corpus)
     * @param includeTitle whether a document's title precedes its text
     */
    BeirFolder(Path folder, String split, int maxQueries, int maxCorpusSize, boolean includeTitle) {
        BeirQrels qrels = BeirQrels.read(folder, split, maxQueries);
        qrels.judgments().forEach((id, judged) -> {
            queryIds.add(id);
            queryTexts.add(qrels.queryTexts().get(id));
            judgments.add(judged);
        });
        readCorpus(CorpusSource.beir(folder, includeTitle), qrels.judgments(), maxCorpusSize);
    }

    private void readCorpus(CorpusSource corpus, Map<String, Map<String, Integer>> qrels, int maxCorpusSize) {
        Set<String> judged = new HashSet<>();
        qrels.values().forEach(documents -> judged.addAll(documents.keySet()));
        long othersAllowed = maxCorpusSize == 0 ? Long.MAX_VALUE : Math.max(0, maxCorpusSize - judged.size());
        long others = 0;
        Set<String> seen = new HashSet<>();
        try (CorpusSource.Documents documents = corpus.open()) {
            while (documents.hasNext()) {
                CorpusDocument document = documents.next();
                if (!seen.add(document.id())) {
                    throw new IllegalArgumentException(corpus.name() + ": corpus id '" + document.id() + "' appears twice");
                }
                if (!judged.contains(document.id())) {
                    if (others == othersAllowed) {
                        continue;
                    }
                    others++;
                }
                documentIds.add(document.id());
                documentTexts.add(document.text());
            }
        }
        judged.removeAll(seen);
        if (!judged.isEmpty()) {
            LOG.warn("{} judged documents of the evaluated queries are not in {} (for example '{}'); they count as relevant "
                    + "but can never be retrieved, as in trec_eval", judged.size(), corpus.name(), judged.iterator().next());
        }
        if (documentIds.isEmpty()) {
            throw new IllegalArgumentException(corpus.name() + " has no documents");
        }
    }
}
