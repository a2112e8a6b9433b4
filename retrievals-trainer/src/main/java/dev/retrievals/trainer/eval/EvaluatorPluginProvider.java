package dev.retrievals.trainer.eval;

import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import java.util.function.Function;

/** The common part of this package's evaluator providers: name, description, options and a factory. */
abstract class EvaluatorPluginProvider implements PluginProvider<Evaluator> {
    private final String name;
    private final String description;
    private final OptionSet options;
    private final Function<Options, Evaluator> factory;

    EvaluatorPluginProvider(String name, String description, OptionSet options, Function<Options, Evaluator> factory) {
        this.name = name;
        this.description = description;
        this.options = options;
        this.factory = factory;
    }

    @Override
    public final PluginKind<Evaluator> kind() {
        return PluginKinds.EVALUATOR;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final OptionSet options() {
        return options;
    }

    @Override
    public final Evaluator create(Options checked) {
        return factory.apply(checked);
    }
}
