package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example configuration parses, names existing data and plugins, and has valid options. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "configs");

    @ParameterizedTest
    @ValueSource(strings = {"infonce-pairs.json", "cosent-sts.json", "triplet-hard-negatives.json", "arcface-banking77.json"})
    void exampleIsValid(String name) {
        TrainConfig config = TrainConfig.read(EXAMPLES.resolve(name));
        assertThat(config.trainFile).isRegularFile();
        if (config.evalSts != null) {
            assertThat(config.evalSts).isRegularFile();
        }
        TrainingArguments.fromMap(config.outputDir, config.trainingArguments);
        var loss = PluginRegistry.global().provider(PluginKinds.LOSS, config.loss);
        Map<String, Object> lossOptions = new LinkedHashMap<>(config.lossOptions);
        loss.options().specs().stream().filter(spec -> spec.isRequired())
                .forEach(spec -> lossOptions.putIfAbsent(spec.name(), "8")); // num_classes, embedding_size come from data and model
        loss.options().parse(lossOptions, "loss '" + config.loss + "'");
        var collator = PluginRegistry.global().provider(PluginKinds.COLLATOR, config.collator);
        Map<String, Object> collatorOptions = new LinkedHashMap<>(config.collatorOptions);
        collator.options().specs().stream().filter(spec -> !spec.type().equals(String.class) && spec.isRequired())
                .forEach(spec -> collatorOptions.remove(spec.name()));
        assertThat(collator.options().specs().stream().map(spec -> spec.name())).containsAll(collatorOptions.keySet());
    }
}
