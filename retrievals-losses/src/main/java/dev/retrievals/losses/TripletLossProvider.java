package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link TripletLoss} as the loss named {@code triplet}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class TripletLossProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return TripletLoss.NAME;
    }

    @Override
    public String description() {
        return "Triplet loss: anchor closer to its positive than to its negatives (hinge with margin, or soft with temperature).";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(TripletLoss.FORM, TripletLoss.DISTANCE, TripletLoss.MARGIN, TripletLoss.TEMPERATURE,
                TripletLoss.HARD_NEGATIVES);
    }

    @Override
    public Loss create(Options options) {
        return TripletLoss.builder()
                .form(TripletLoss.Form.fromOption(options.get(TripletLoss.FORM)))
                .distance(TripletLoss.Distance.fromOption(options.get(TripletLoss.DISTANCE)))
                .margin(options.get(TripletLoss.MARGIN))
                .temperature(options.get(TripletLoss.TEMPERATURE))
                .hardNegatives(HardNegatives.fromOption(options.get(TripletLoss.HARD_NEGATIVES)))
                .build();
    }
}
