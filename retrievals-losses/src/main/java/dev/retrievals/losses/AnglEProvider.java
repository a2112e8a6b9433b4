package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link AnglE} as the loss named {@code angle}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class AnglEProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return AnglE.NAME;
    }

    @Override
    public String description() {
        return "AnglE: CoSENT on cosines + in-batch negatives + CoSENT on complex-space angle similarities (scored pairs, weighted sum).";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(AnglE.W_COSINE, AnglE.W_IBN, AnglE.W_ANGLE, AnglE.TAU_COSINE, AnglE.TAU_IBN, AnglE.TAU_ANGLE,
                AnglE.IBN_MIN_SCORE);
    }

    @Override
    public Loss create(Options options) {
        return AnglE.builder()
                .weights(options.get(AnglE.W_COSINE), options.get(AnglE.W_IBN), options.get(AnglE.W_ANGLE))
                .taus(options.get(AnglE.TAU_COSINE), options.get(AnglE.TAU_IBN), options.get(AnglE.TAU_ANGLE))
                .ibnMinScore(options.get(AnglE.IBN_MIN_SCORE))
                .build();
    }
}
