package dev.retrievals.core.encode;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TextTokenizer;
import java.util.Objects;

/**
 * A model's prompts: the text put before every query and before every document, and whether the
 * pooling counts the prompt's tokens (sentence-transformers' {@code prompts} {"query", "document"} in
 * {@code config_sentence_transformers.json} and {@code include_prompt} in {@code 1_Pooling/config.json}).
 * The one prompt setting that encoding, training collators, evaluation and mining all read (option
 * names {@code query_prompt}, {@code document_prompt}, {@code include_prompt}).
 *
 * <p>An empty prompt means none: nothing is prepended and nothing is left out of the pooling (as
 * sentence-transformers with {@code prompt=None}).
 *
 * @param query text put before every query ("" for none)
 * @param document text put before every document ("" for none)
 * @param includePrompt whether the pooling includes the prompt's tokens (sentence-transformers' default true)
 */
public record Prompts(String query, String document, boolean includePrompt) {
    /** No prompts, pooling over every token. */
    public static final Prompts NONE = new Prompts("", "", true);

    /** Checks that both prompts are given ("" for none). */
    public Prompts {
        Objects.requireNonNull(query, "query prompt (\"\" for none)");
        Objects.requireNonNull(document, "document prompt (\"\" for none)");
    }

    /** A query and a document prompt, pooled over every token. */
    public static Prompts of(String query, String document) {
        return new Prompts(query, document, true);
    }

    /** A copy with other prompts, keeping {@link #includePrompt}. */
    public Prompts withPrompts(String queryPrompt, String documentPrompt) {
        return new Prompts(queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy whose pooling includes the prompt tokens, or leaves them out. */
    public Prompts withIncludePrompt(boolean value) {
        return new Prompts(query, document, value);
    }

    /** Whether there is neither a query nor a document prompt. */
    public boolean isEmpty() {
        return query.isEmpty() && document.isEmpty();
    }

    /**
     * The number of leading tokens a prompt takes in a tokenized {@code prompt + text}, computed as
     * sentence-transformers does: the tokenized prompt's length minus one (its trailing special
     * token), so the count includes a leading special token such as BERT's {@code [CLS]}. 0 for no
     * prompt.
     *
     * @throws RetrievalsException when the prompt alone fills the tokenizer's maximum length (no room for a text)
     */
    public static int tokenCount(TextTokenizer tokenizer, String prompt) {
        if (prompt.isEmpty()) {
            return 0;
        }
        int length = tokenizer.ids(prompt).length - 1;
        if (length + 1 >= tokenizer.maxLength()) {
            throw new RetrievalsException("The prompt '" + prompt + "' takes " + (length + 1) + " tokens with tokenizer "
                    + tokenizer.source() + ", which keeps at most max_length " + tokenizer.maxLength()
                    + "; expected a shorter prompt or a longer max_length");
        }
        return Math.max(length, 0);
    }
}
