package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import java.util.List;

/** Registers {@link InfoNCE} as the loss named {@code infonce} (alias {@code info_nce}). */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class InfoNCEProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return InfoNCE.NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("info_nce");
    }

    @Override
    public String description() {
        return "InfoNCE: each query picks its positive among in-batch and hard negatives by cosine / temperature (cross-entropy).";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(InfoNCE.TEMPERATURE, InfoNCE.LABEL_SMOOTHING, InfoNCE.IN_BATCH_NEGATIVES, InfoNCE.HARD_NEGATIVES,
                InfoNCE.SYMMETRIC);
    }

    @Override
    public Loss create(Options options) {
        return InfoNCE.builder()
                .temperature(options.get(InfoNCE.TEMPERATURE))
                .labelSmoothing(options.get(InfoNCE.LABEL_SMOOTHING))
                .inBatchNegatives(options.get(InfoNCE.IN_BATCH_NEGATIVES))
                .hardNegatives(HardNegatives.fromOption(options.get(InfoNCE.HARD_NEGATIVES)))
                .symmetric(options.get(InfoNCE.SYMMETRIC))
                .build();
    }
}
