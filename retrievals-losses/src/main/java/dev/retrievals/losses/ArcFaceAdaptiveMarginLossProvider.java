package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import java.util.List;

/** Registers {@link ArcFaceAdaptiveMarginLoss} as the loss named {@code arcface}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class ArcFaceAdaptiveMarginLossProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return ArcFaceAdaptiveMarginLoss.NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("arcface_adaptive_margin");
    }

    @Override
    public String description() {
        return "ArcFace: point-wise (text, class) training with learnable class centres and an additive angular margin.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(ArcFaceAdaptiveMarginLoss.NUM_CLASSES, ArcFaceAdaptiveMarginLoss.EMBEDDING_SIZE,
                ArcFaceAdaptiveMarginLoss.SCALE, ArcFaceAdaptiveMarginLoss.MARGIN, ArcFaceAdaptiveMarginLoss.EASY_MARGIN,
                ArcFaceAdaptiveMarginLoss.LABEL_SMOOTHING, ArcFaceAdaptiveMarginLoss.INIT, ArcFaceAdaptiveMarginLoss.MARGIN_START,
                ArcFaceAdaptiveMarginLoss.MARGIN_RAMP_STEPS);
    }

    @Override
    public Loss create(Options options) {
        ArcFaceAdaptiveMarginLoss.Builder builder = ArcFaceAdaptiveMarginLoss
                .builder(options.get(ArcFaceAdaptiveMarginLoss.NUM_CLASSES), options.get(ArcFaceAdaptiveMarginLoss.EMBEDDING_SIZE))
                .scale(options.get(ArcFaceAdaptiveMarginLoss.SCALE))
                .easyMargin(options.get(ArcFaceAdaptiveMarginLoss.EASY_MARGIN))
                .labelSmoothing(options.get(ArcFaceAdaptiveMarginLoss.LABEL_SMOOTHING))
                .init(ArcFaceAdaptiveMarginLoss.Init.fromOption(options.get(ArcFaceAdaptiveMarginLoss.INIT)));
        double margin = options.get(ArcFaceAdaptiveMarginLoss.MARGIN);
        int rampSteps = options.get(ArcFaceAdaptiveMarginLoss.MARGIN_RAMP_STEPS);
        if (rampSteps > 0) {
            builder.marginSchedule(MarginSchedule.linear(options.get(ArcFaceAdaptiveMarginLoss.MARGIN_START), margin, rampSteps));
        } else {
            builder.margin(margin);
        }
        return builder.build();
    }
}
