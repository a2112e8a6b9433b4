package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link PairCollator} as the collator named {@code pair}. */
@AutoService(PluginProvider.class)
public final class PairCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public PairCollatorProvider() {
        super(PairCollator.NAME, "(query, positive) pairs for in-batch-negative losses such as InfoNCE.", PairCollator.OPTIONS, PairCollator::new);
    }
}
