package dev.retrievals.trainer.gradcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientCacheOptionTest {
    private static final Path OUT = Path.of("out");

    @Test
    void gradientCachingIsOffByDefaultAndSetByNameOrBuilder() {
        assertThat(TrainingArguments.builder(OUT).build().gradientCacheMiniBatchSize()).isZero();
        assertThat(TrainingArguments.fromMap(OUT, Map.of("gradient_cache_mini_batch_size", "32")).gradientCacheMiniBatchSize())
                .isEqualTo(32);
        assertThat(TrainingArguments.builder(OUT).gradientCacheMiniBatchSize(16).build().gradientCacheMiniBatchSize()).isEqualTo(16);
        assertThat(TrainingArguments.options().specs()).anyMatch(spec -> spec.name().equals("gradient_cache_mini_batch_size"));
    }

    @Test
    void aNegativeMiniBatchNamesTheOptionTheValueAndTheRange() {
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).gradientCacheMiniBatchSize(-1))
                .hasMessage("Option 'gradient_cache_mini_batch_size' of training arguments is -1; allowed: an integer in [0, +inf)");
    }
}
