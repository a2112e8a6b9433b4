package dev.retrievals.collators;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a collator in Java with the same options, defaults and checks as its plugin: values are
 * checked by the collator's {@link OptionSet} on {@link #build()}, so an option the collator does
 * not take, or a value out of range, fails naming the option, the value and what is allowed.
 *
 * @param <C> the collator built
 */
public final class CollatorBuilder<C extends Collator> {
    private final String owner;
    private final OptionSet options;
    private final Function<Options, C> factory;
    private final Map<String, Object> values = new LinkedHashMap<>();

    CollatorBuilder(String owner, OptionSet options, Function<Options, C> factory, TextTokenizer tokenizer) {
        this.owner = owner;
        this.options = options;
        this.factory = factory;
        values.put(CollatorOptions.TOKENIZER.name(), tokenizer);
    }

    /** Sets any option of the collator (see the public {@code OptionSpec}s of the collator and {@link CollatorOptions}). */
    public <V> CollatorBuilder<C> with(OptionSpec<V> option, V value) {
        values.put(option.name(), value);
        return this;
    }

    /** Sets {@code query_max_length}. */
    public CollatorBuilder<C> queryMaxLength(int tokens) {
        return with(CollatorOptions.QUERY_MAX_LENGTH, tokens);
    }

    /** Sets {@code document_max_length}. */
    public CollatorBuilder<C> documentMaxLength(int tokens) {
        return with(CollatorOptions.DOCUMENT_MAX_LENGTH, tokens);
    }

    /** Sets {@code max_length}. */
    public CollatorBuilder<C> maxLength(int tokens) {
        return with(CollatorOptions.MAX_LENGTH, tokens);
    }

    /** Sets {@code pad_to_multiple_of}. */
    public CollatorBuilder<C> padToMultipleOf(int multiple) {
        return with(CollatorOptions.PAD_TO_MULTIPLE_OF, multiple);
    }

    /** Sets {@code query_prompt} (text put before each query; default: the model's, see {@link #modelPrompts}). */
    public CollatorBuilder<C> queryPrompt(String prompt) {
        return with(CollatorOptions.QUERY_PROMPT, prompt);
    }

    /** Sets {@code document_prompt} (text put before each document; default: the model's, see {@link #modelPrompts}). */
    public CollatorBuilder<C> documentPrompt(String prompt) {
        return with(CollatorOptions.DOCUMENT_PROMPT, prompt);
    }

    /** Sets {@code prompt} (text put before each text, for collators with one kind of text). */
    public CollatorBuilder<C> prompt(String prompt) {
        return with(CollatorOptions.PROMPT, prompt);
    }

    /** Sets {@code model_prompts}: the model's prompts, used where no query or document prompt is set. */
    public CollatorBuilder<C> modelPrompts(Prompts prompts) {
        return with(CollatorOptions.MODEL_PROMPTS, prompts);
    }

    /** @deprecated renamed; use {@link #queryPrompt}. */
    @Deprecated
    public CollatorBuilder<C> queryInstruction(String instruction) {
        return queryPrompt(instruction);
    }

    /** @deprecated renamed; use {@link #documentPrompt}. */
    @Deprecated
    public CollatorBuilder<C> documentInstruction(String instruction) {
        return documentPrompt(instruction);
    }

    /** @deprecated renamed; use {@link #prompt}. */
    @Deprecated
    public CollatorBuilder<C> instruction(String instruction) {
        return prompt(instruction);
    }

    /** Checks the options and creates the collator. */
    public C build() {
        return factory.apply(options.parse(values, owner));
    }
}
