package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link NTupleCollator} as the collator named {@code ntuple}. */
@AutoService(PluginProvider.class)
public final class NTupleCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public NTupleCollatorProvider() {
        super(NTupleCollator.NAME, "sentence-transformers n-tuples: query, positive, negative_1..n (optionally the score list as teacher scores).",
                NTupleCollator.OPTIONS, NTupleCollator::new);
    }
}
