package dev.retrievals.index.store;

import java.util.Objects;

/**
 * One document of a corpus: its id and the text that is encoded and searched (for a BEIR corpus,
 * the title and the text joined by a space).
 *
 * @param id the document's id
 * @param text its text
 */
public record CorpusDocument(String id, String text) {

    /** Checks that both parts are present. */
    public CorpusDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
