package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.spi.InvalidOptionException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingArgumentsTest {
    private static final Path OUT = Path.of("out");

    @Test
    void defaultsAreHuggingFacesWhereTheyFit() {
        TrainingArguments args = TrainingArguments.builder(OUT).build();
        assertThat(args.learningRate()).isEqualTo(5e-5);
        assertThat(args.numTrainEpochs()).isEqualTo(3);
        assertThat(args.batchSize()).isEqualTo(8);
        assertThat(args.maxGradNorm()).isEqualTo(1.0);
        assertThat(args.lrSchedulerType()).isEqualTo("linear");
        assertThat(args.adamEpsilon()).isEqualTo(1e-8);
        assertThat(args.seed()).isEqualTo(42);
        assertThat(args.warmupSteps(1000)).isZero();
    }

    @Test
    void warmupRatioRoundsUpAndWarmupStepsWin() {
        assertThat(TrainingArguments.builder(OUT).warmupRatio(0.05).build().warmupSteps(30)).isEqualTo(2);
        assertThat(TrainingArguments.builder(OUT).warmupRatio(0.05).warmupSteps(7).build().warmupSteps(30)).isEqualTo(7);
    }

    @Test
    void fromMapTakesTextAndRejectsUnknownKeys() {
        TrainingArguments args = TrainingArguments.fromMap(OUT, Map.of("learning_rate", "2e-5", "per_device_train_batch_size", "32"));
        assertThat(args.learningRate()).isEqualTo(2e-5);
        assertThat(args.batchSize()).isEqualTo(32);
        assertThatThrownBy(() -> TrainingArguments.fromMap(OUT, Map.of("learning_rat", 1e-5)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("Unknown option 'learning_rat' for training arguments")
                .hasMessageContaining("learning_rate");
    }

    @Test
    void badValuesNameTheOptionTheValueAndTheRange() {
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).learningRate(-1e-5))
                .hasMessage("Option 'learning_rate' of training arguments is -1.0E-5; allowed: a number in (0, +inf)");
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).batchSize(0))
                .hasMessage("Option 'per_device_train_batch_size' of training arguments is 0; allowed: an integer in [1, +inf)");
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).warmupRatio(1.5))
                .hasMessageContaining("'warmup_ratio' of training arguments is 1.5; allowed: a number in [0, 1]");
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).evalStrategy("sometimes"))
                .hasMessageContaining("allowed: one of no, steps, epoch");
        assertThatThrownBy(() -> TrainingArguments.builder(OUT).learningRateFor("(", 1e-4))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("'(' is not a valid regex");
    }
}
