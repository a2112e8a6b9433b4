package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link SimCSE} as the loss named {@code simcse}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class SimCSEProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return SimCSE.NAME;
    }

    @Override
    public String description() {
        return "SimCSE: each text picks its second (dropout) encoding, or its entailment against shared hard negatives.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(SimCSE.MODE, SimCSE.TEMPERATURE);
    }

    @Override
    public Loss create(Options options) {
        return SimCSE.of(SimCSE.Mode.fromOption(options.get(SimCSE.MODE)), options.get(SimCSE.TEMPERATURE));
    }
}
