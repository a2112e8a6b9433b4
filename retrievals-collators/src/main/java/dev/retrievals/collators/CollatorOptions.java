package dev.retrievals.collators;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;

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
    /**
     * Text put before each query, for example {@code 为这个句子生成表示以用于检索相关文章：}; when not
     * given, the model's query prompt ({@link #MODEL_PROMPTS}). Formerly {@code query_instruction}.
     */
    public static final OptionSpec<String> QUERY_PROMPT = OptionSpec.ofString("query_prompt", null,
            "text put before each query (default: the model's query prompt)").formerly("query_instruction");
    /** Text put before each document; when not given, the model's document prompt. Formerly {@code document_instruction}. */
    public static final OptionSpec<String> DOCUMENT_PROMPT = OptionSpec.ofString("document_prompt", null,
            "text put before each document (default: the model's document prompt)").formerly("document_instruction");
    /** Text put before each text, for collators with one kind of text. Formerly {@code instruction}. */
    public static final OptionSpec<String> PROMPT = OptionSpec.ofString("prompt", "", "text put before each text").formerly("instruction");
    /** The model's prompts: {@link #QUERY_PROMPT} and {@link #DOCUMENT_PROMPT} default to them (none when not given). */
    public static final OptionSpec<Prompts> MODEL_PROMPTS = OptionSpec.ofType("model_prompts", Prompts.class,
            "the model's prompts (Prompts): the defaults of query_prompt and document_prompt");
    /** @deprecated renamed; use {@link #QUERY_PROMPT} (the old name {@code query_instruction} is still accepted). */
    @Deprecated
    public static final OptionSpec<String> QUERY_INSTRUCTION = QUERY_PROMPT;
    /** @deprecated renamed; use {@link #DOCUMENT_PROMPT} (the old name {@code document_instruction} is still accepted). */
    @Deprecated
    public static final OptionSpec<String> DOCUMENT_INSTRUCTION = DOCUMENT_PROMPT;
    /** @deprecated renamed; use {@link #PROMPT} (the old name {@code instruction} is still accepted). */
    @Deprecated
    public static final OptionSpec<String> INSTRUCTION = PROMPT;
    /** The query column. */
    public static final OptionSpec<String> QUERY_KEY = OptionSpec.ofString("query_key", "query", "column of the query");
    /** The positive column. */
    public static final OptionSpec<String> POSITIVE_KEY = OptionSpec.ofString("positive_key", "positive", "column of the positive");
    /** The negative column. */
    public static final OptionSpec<String> NEGATIVE_KEY = OptionSpec.ofString("negative_key", "negative", "column of the negative");

    private CollatorOptions() {}

    /** The query prompt of parsed options: {@code query_prompt} if given, else the model's, else none. */
    static String queryPrompt(Options options) {
        return options.has(QUERY_PROMPT) ? options.get(QUERY_PROMPT) : modelPrompts(options).query();
    }

    /** The document prompt of parsed options: {@code document_prompt} if given, else the model's, else none. */
    static String documentPrompt(Options options) {
        return options.has(DOCUMENT_PROMPT) ? options.get(DOCUMENT_PROMPT) : modelPrompts(options).document();
    }

    private static Prompts modelPrompts(Options options) {
        return options.has(MODEL_PROMPTS) ? options.get(MODEL_PROMPTS) : Prompts.NONE;
    }

    private static OptionSpec<Integer> maxLength(String name, String role) {
        return OptionSpec.ofInt(name, 0, "longest " + role + " in tokens, special tokens included (at least 2, at most the "
                + "tokenizer's max_length; 0: the tokenizer's max_length)").atLeast(0);
    }
}
