package com.example.retrievals.alignment;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link AlignmentLoss} as the loss named {@code alignment}. */
@AutoService(PluginProvider.class)
public final class AlignmentLossProvider implements PluginProvider<Loss> {
    static final OptionSpec<Double> ALPHA =
            OptionSpec.ofDouble("alpha", 2.0, "power of the distance between a query and its positive").greaterThan(0);

    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return "alignment";
    }

    @Override
    public String description() {
        return "Alignment of positive pairs on the unit sphere (Wang and Isola, 2020).";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(ALPHA);
    }

    @Override
    public Loss create(Options options) {
        return new AlignmentLoss(options.get(ALPHA));
    }
}
