package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.trainer.TrainingArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example configuration parses, names existing data and plugins, and has valid options. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "configs");

    static List<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void theExamplesAreFound() throws IOException {
        assertThat(examples()).contains("cosent-sts.json", "arcface-banking77.json", "sts-zh-cosent.json");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleIsValid(String name) {
        TrainConfig config = TrainConfig.read(EXAMPLES.resolve(name));
        if (config.evalSts != null) {
            assertThat(config.evalSts).isRegularFile();
        }
        config.evalMore.forEach(EvaluatorSpec::requireFiles);
        config.evalMore.forEach(spec -> PluginRegistry.global().provider(PluginKinds.EVALUATOR, spec.evaluator()).options()
                .parse(spec.options(), "evaluation " + spec.name()));
        TrainingArguments.fromMap(config.outputDir, config.trainingArguments);
        if (config.datasets == null) {
            checkTrainingSet(config);
        } else {
            assertThat(config.trainFile).as("datasets replace data").isNull();
            assertThat(config.datasets.sets).hasSizeGreaterThan(1);
            config.datasets.sets.values().forEach(ExampleConfigsTest::checkTrainingSet);
        }
    }

    /** The set's data exists and its loss and collator options are valid. */
    private static void checkTrainingSet(TrainConfig config) {
        assertThat(config.trainFile).isRegularFile();
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
