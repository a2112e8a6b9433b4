package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link GroupCollator} as the collator named {@code group}. */
@AutoService(PluginProvider.class)
public final class GroupCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public GroupCollatorProvider() {
        super(GroupCollator.NAME, "FlagEmbedding groups: a query, one sampled positive and train_group_size-1 sampled negatives.", GroupCollator.OPTIONS, GroupCollator::new);
    }
}
