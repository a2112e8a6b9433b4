package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link PointwiseCollator} as the collator named {@code pointwise}. */
@AutoService(PluginProvider.class)
public final class PointwiseCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public PointwiseCollatorProvider() {
        super(PointwiseCollator.NAME, "(text, label) rows with labels mapped to class ids, for ArcFace and other point-wise losses.", PointwiseCollator.OPTIONS, PointwiseCollator::new);
    }
}
