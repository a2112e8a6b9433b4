package dev.retrievals.core.spi;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.model.ModelArchitecture;
import dev.retrievals.core.pooling.Pooling;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.search.Retriever;
import java.util.List;

/** The plugin kinds this project defines. Third parties may declare more with {@link PluginKind#of}. */
public final class PluginKinds {
    /** Encoder architectures, named by the {@code model_type} of a Hugging Face {@code config.json}. */
    public static final PluginKind<ModelArchitecture> ARCHITECTURE = PluginKind.of("architecture", ModelArchitecture.class);
    /** Poolings, named as sentence-transformers' {@code 1_Pooling/config.json} modes. */
    public static final PluginKind<Pooling> POOLING = PluginKind.of("pooling", Pooling.class);
    /** Collators that turn rows into token batches. */
    public static final PluginKind<Collator> COLLATOR = PluginKind.of("collator", Collator.class);
    /** Training losses. */
    public static final PluginKind<Loss> LOSS = PluginKind.of("loss", Loss.class);
    /** Learning-rate schedules. */
    public static final PluginKind<LearningRateSchedule> LR_SCHEDULE = PluginKind.of("lr_schedule", LearningRateSchedule.class);
    /** Evaluators that score a text encoder on a dataset. */
    public static final PluginKind<Evaluator> EVALUATOR = PluginKind.of("evaluator", Evaluator.class);
    /** Corpus search: exact, HNSW, BM25, hybrid. */
    public static final PluginKind<Retriever> RETRIEVER = PluginKind.of("retriever", Retriever.class);

    private PluginKinds() {}

    /** Every built-in kind, in the order {@code retrievals info} shows them. */
    public static List<PluginKind<?>> all() {
        return List.of(ARCHITECTURE, POOLING, COLLATOR, LOSS, LR_SCHEDULE, EVALUATOR, RETRIEVER);
    }
}
