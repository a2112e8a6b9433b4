package dev.retrievals.trainer.eval;

import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.SimplePluginProvider;
import java.util.function.Function;

/** The common part of this package's evaluator providers: name, description, options and a factory. */
abstract class EvaluatorPluginProvider extends SimplePluginProvider<Evaluator> {
    EvaluatorPluginProvider(String name, String description, OptionSet options, Function<Options, Evaluator> factory) {
        super(PluginKinds.EVALUATOR, name, description, options, factory);
    }
}
