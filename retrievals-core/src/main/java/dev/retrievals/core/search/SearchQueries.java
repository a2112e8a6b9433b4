package dev.retrievals.core.search;

import java.util.List;

/**
 * A batch of queries as a retriever reads them: their texts (for lexical retrievers), their
 * vectors (for dense ones) or both. A part a retriever does not use may be {@code null}.
 *
 * @param texts one text per query, or {@code null}
 * @param vectors one vector per query (any length; dense retrievers normalise them), or {@code null}
 */
public record SearchQueries(List<String> texts, float[][] vectors) {

    /** Checks that the parts given agree in count. */
    public SearchQueries {
        if (texts == null && vectors == null) {
            throw new IllegalArgumentException("Queries need texts, vectors or both; got neither");
        }
        if (texts != null && vectors != null && texts.size() != vectors.length) {
            throw new IllegalArgumentException("Got " + texts.size() + " query texts but " + vectors.length + " query vectors");
        }
        texts = texts == null ? null : List.copyOf(texts);
    }

    /** Queries given by vector only. */
    public static SearchQueries ofVectors(float[][] vectors) {
        return new SearchQueries(null, vectors);
    }

    /** Queries given by text only. */
    public static SearchQueries ofTexts(List<String> texts) {
        return new SearchQueries(texts, null);
    }

    /** The number of queries. */
    public int size() {
        return texts != null ? texts.size() : vectors.length;
    }

    /** The vectors, failing with a clear message for a retriever that needs them when they are absent. */
    public float[][] requireVectors(String retriever) {
        if (vectors == null) {
            throw new IllegalArgumentException("Retriever '" + retriever + "' searches by vector, but the queries have no vectors");
        }
        return vectors;
    }

    /** The texts, failing with a clear message for a retriever that needs them when they are absent. */
    public List<String> requireTexts(String retriever) {
        if (texts == null) {
            throw new IllegalArgumentException("Retriever '" + retriever + "' searches by text, but the queries have no texts");
        }
        return texts;
    }
}
