package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three evaluators are found by name through the registry, with their options. */
class EvaluatorPluginsTest {

    @Test
    void theRegistryListsTheEvaluators() {
        PluginRegistry registry = PluginRegistry.global();

        assertThat(registry.names(PluginKinds.EVALUATOR)).contains("sts", "retrieval", "classification");
        assertThat(registry.failures()).isEmpty();
        assertThat(registry.provider(PluginKinds.EVALUATOR, "STS")).isInstanceOf(StsEvaluatorProvider.class);
    }

    @Test
    void eachEvaluatorDeclaresItsDataAndBatchOptions() {
        Map<String, List<String>> expected = Map.of(
                "sts", List.of("path", "sentence1_column", "sentence2_column", "score_column", "batch_size", "max_rows"),
                "retrieval", List.of("path", "split", "k_values", "primary_metric", "batch_size", "corpus_chunk_size",
                        "max_queries", "max_corpus_size", "query_prompt", "document_prompt", "include_title"),
                "classification", List.of("train_path", "test_path", "text_column", "label_column", "k", "batch_size",
                        "max_train_rows", "max_test_rows"));
        expected.forEach((name, options) -> {
            PluginProvider<?> provider = PluginRegistry.global().provider(PluginKinds.EVALUATOR, name);
            List<String> declared = provider.options().specs().stream().map(OptionSpec::name).toList();
            assertThat(declared).as(name).containsAll(options).contains("show_progress_bar");
            assertThat(provider.description()).as(name).isNotBlank();
        });
    }
}
