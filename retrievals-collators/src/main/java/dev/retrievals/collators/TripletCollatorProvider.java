package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link TripletCollator} as the collator named {@code triplet}. */
@AutoService(PluginProvider.class)
public final class TripletCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public TripletCollatorProvider() {
        super(TripletCollator.NAME, "(query, positive, negative) triplets for triplet losses and InfoNCE with a hard negative.", TripletCollator.OPTIONS, TripletCollator::new);
    }
}
