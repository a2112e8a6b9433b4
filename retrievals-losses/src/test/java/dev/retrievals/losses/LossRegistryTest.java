package dev.retrievals.losses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.StatefulLoss;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every loss of this module is found by its name through the global registry. */
class LossRegistryTest {
    private static final Map<String, Class<? extends Loss>> LOSSES = Map.of(
            "infonce", InfoNCE.class,
            "simcse", SimCSE.class,
            "triplet", TripletLoss.class,
            "arcface", ArcFaceAdaptiveMarginLoss.class,
            "cosent", CoSENT.class,
            "angle", AnglE.class,
            "margin_mse", MarginMSE.class,
            "distill_kl_div", DistillKLDiv.class,
            "matryoshka", Matryoshka.class);

    private static final Map<String, Map<String, String>> REQUIRED = Map.of(
            "arcface", Map.of("num_classes", "10", "embedding_size", "8"),
            "matryoshka", Map.of("dims", "8,4"));

    @Test
    void everyLossIsFoundAndCreatedByName() {
        PluginRegistry registry = PluginRegistry.global();
        assertThat(registry.failures()).isEmpty();
        assertThat(registry.names(PluginKinds.LOSS)).containsAll(LOSSES.keySet());
        LOSSES.forEach((name, type) -> {
            Loss loss = registry.create(PluginKinds.LOSS, name, REQUIRED.getOrDefault(name, Map.of()));
            assertThat(loss).as(name).isInstanceOf(type);
            if (loss instanceof StatefulLoss stateful) {
                stateful.close();
            }
        });
    }

    @Test
    void namesMatchCaseInsensitivelyAndAliasesWork() {
        PluginRegistry registry = PluginRegistry.global();
        assertThat(registry.provider(PluginKinds.LOSS, "InfoNCE")).isInstanceOf(InfoNCEProvider.class);
        assertThat(registry.provider(PluginKinds.LOSS, "info_nce")).isInstanceOf(InfoNCEProvider.class);
        assertThat(registry.provider(PluginKinds.LOSS, "distill_kl")).isInstanceOf(DistillKLDivProvider.class);
        assertThat(registry.provider(PluginKinds.LOSS, "arcface_adaptive_margin")).isInstanceOf(ArcFaceAdaptiveMarginLossProvider.class);
    }

    @Test
    void everyProviderDescribesItselfAndItsOptions() {
        for (String name : LOSSES.keySet()) {
            PluginProvider<Loss> provider = PluginRegistry.global().provider(PluginKinds.LOSS, name);
            assertThat(provider.description()).as(name).isNotBlank().endsWith(".");
            for (OptionSpec<?> option : provider.options().specs()) {
                assertThat(option.description()).as("%s option %s", name, option.name()).isNotBlank();
                assertThat(option.isRequired() || option.defaultValue() != null || option.type() == Loss.class)
                        .as("%s option %s has a documented default or is required", name, option.name()).isTrue();
            }
        }
    }
}
