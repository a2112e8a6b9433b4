package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link ScoredPairCollator} as the collator named {@code scored_pair}. */
@AutoService(PluginProvider.class)
public final class ScoredPairCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public ScoredPairCollatorProvider() {
        super(ScoredPairCollator.NAME, "(sentence1, sentence2, score) pairs for CoSENT and cosine-similarity losses.", ScoredPairCollator.OPTIONS, ScoredPairCollator::new);
    }
}
