package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.PROMPT;
import static dev.retrievals.collators.CollatorOptions.MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.TOKENIZER;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.List;
import java.util.Map;

/**
 * Single texts with a class label ({@code text}, {@code label}) for point-wise losses (ArcFace,
 * batch-hard triplet). Labels become class ids through a {@link LabelMap} (build it with
 * {@link LabelMap#fromDataset} and save it with the model); an integer label is looked up by its
 * decimal text, and a label not in the map fails naming it. Emits {@link LossInputs#TEXT} and
 * {@link LossInputs#LABEL}. Thread-safe.
 */
public final class PointwiseCollator implements Collator {
    static final String NAME = "pointwise";
    /** The text column. */
    public static final OptionSpec<String> TEXT_KEY = OptionSpec.ofString("text_key", "text", "column of the text");
    /** The label column. */
    public static final OptionSpec<String> LABEL_KEY = OptionSpec.ofString("label_key", "label", "column of the class label");
    /** Labels to class ids. */
    public static final OptionSpec<LabelMap> LABEL_MAP =
            OptionSpec.ofType("label_map", LabelMap.class, "labels to class ids (LabelMap)").required();
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, LABEL_MAP, MAX_LENGTH, PAD_TO_MULTIPLE_OF, PROMPT, TEXT_KEY, LABEL_KEY);

    private final String owner = PairCollator.owner(NAME);
    private final RoleTokenizer texts;
    private final LabelMap labelMap;
    private final String textKey;
    private final String labelKey;

    /** A point-wise collator reading columns {@code text} and {@code label}. */
    public PointwiseCollator(TextTokenizer tokenizer, LabelMap labelMap, int maxLength) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, LABEL_MAP.name(), labelMap, MAX_LENGTH.name(), maxLength),
                PairCollator.owner(NAME)));
    }

    PointwiseCollator(Options options) {
        this.texts = new RoleTokenizer(options.get(TOKENIZER), MAX_LENGTH, options.get(MAX_LENGTH),
                options.get(PAD_TO_MULTIPLE_OF), options.get(PROMPT), owner);
        this.labelMap = options.get(LABEL_MAP);
        this.textKey = options.get(TEXT_KEY);
        this.labelKey = options.get(LABEL_KEY);
    }

    /** A builder for every option; the label map is required. */
    public static CollatorBuilder<PointwiseCollator> builder(TextTokenizer tokenizer, LabelMap labelMap) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, PointwiseCollator::new, tokenizer)
                .with(LABEL_MAP, labelMap);
    }

    /** The label map in use (save it with the trained model). */
    public LabelMap labelMap() {
        return labelMap;
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return BatchColumns.types(textKey, ColumnType.TEXT, labelKey, ColumnType.LABEL);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, owner);
        long[] labels = new long[rows.size()];
        for (int row = 0; row < rows.size(); row++) {
            String label = (String) ColumnType.LABEL.read(rows.get(row), labelKey, BatchColumns.location(row));
            labels[row] = labelMap.id(label, BatchColumns.location(row));
        }
        return new CollatedBatch(rows.size(), Map.of(LossInputs.TEXT, texts.tokenize(BatchColumns.texts(rows, textKey))),
                Map.of(LossInputs.LABEL, labels), Map.of());
    }
}
