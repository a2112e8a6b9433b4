package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import java.util.List;

/** Registers {@link DistillKLDiv} as the loss named {@code distill_kl_div} (alias {@code distill_kl}). */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class DistillKLDivProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return DistillKLDiv.NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("distill_kl");
    }

    @Override
    public String description() {
        return "KL-divergence distillation: the student's softmax over positive and negatives matches the teacher's scores.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(DistillKLDiv.SIMILARITY, DistillKLDiv.TEMPERATURE);
    }

    @Override
    public Loss create(Options options) {
        return DistillKLDiv.of(Similarity.fromOption(options.get(DistillKLDiv.SIMILARITY)), options.get(DistillKLDiv.TEMPERATURE));
    }
}
