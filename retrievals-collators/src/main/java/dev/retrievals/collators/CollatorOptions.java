package dev.retrievals.collators;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.spi.OptionSpec;

/** The options several collators share. */
public final class CollatorOptions {
    /** The tokenizer (a loaded {@link TextTokenizer}; its max_length bounds every role's). */
    public static final OptionSpec<TextTokenizer> TOKENIZER =
            OptionSpec.ofType("tokenizer", TextTokenizer.class, "the loaded tokenizer.json (TextTokenizer)").required();
    /** Pad each role to a multiple of this many tokens (8 suits tensor cores). */
    public static final OptionSpec<Integer> PAD_TO_MULTIPLE_OF =
            OptionSpec.ofInt("pad_to_multiple_of", 1, "pad each part to a multiple of this many tokens (8 suits tensor cores)").atLeast(1);
    /** The longest a query may be, in tokens; 0 (the default) means the tokenizer's max_length. */
    public static final OptionSpec<Integer> QUERY_MAX_LENGTH = maxLength("query_max_length", "query");
    /** The longest a document (positive or negative) may be, in tokens; 0 (the default) means the tokenizer's max_length. */
    public static final OptionSpec<Integer> DOCUMENT_MAX_LENGTH = maxLength("document_max_length", "document");
    /** The longest a text may be, for collators with one kind of text; 0 (the default) means the tokenizer's max_length. */
    public static final OptionSpec<Integer> MAX_LENGTH = maxLength("max_length", "text");
    /** Text put before each query, for example {@code 为这个句子生成表示以用于检索相关文章：}. */
    public static final OptionSpec<String> QUERY_INSTRUCTION =
            OptionSpec.ofString("query_instruction", "", "text put before each query");
    /** Text put before each document. */
    public static final OptionSpec<String> DOCUMENT_INSTRUCTION =
            OptionSpec.ofString("document_instruction", "", "text put before each document");
    /** Text put before each text, for collators with one kind of text. */
    public static final OptionSpec<String> INSTRUCTION = OptionSpec.ofString("instruction", "", "text put before each text");
    /** The query column. */
    public static final OptionSpec<String> QUERY_KEY = OptionSpec.ofString("query_key", "query", "column of the query");
    /** The positive column. */
    public static final OptionSpec<String> POSITIVE_KEY = OptionSpec.ofString("positive_key", "positive", "column of the positive");
    /** The negative column. */
    public static final OptionSpec<String> NEGATIVE_KEY = OptionSpec.ofString("negative_key", "negative", "column of the negative");

    private CollatorOptions() {}

    private static OptionSpec<Integer> maxLength(String name, String role) {
        return OptionSpec.ofInt(name, 0, "longest " + role + " in tokens, special tokens included (at least 2, at most the "
                + "tokenizer's max_length; 0: the tokenizer's max_length)").atLeast(0);
    }
}
