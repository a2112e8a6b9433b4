package dev.retrievals.core.eval;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.rerank.PairScorer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An evaluator whose metrics carry a name: {@code spearman} of the evaluator named {@code lcqmc-dev}
 * is reported as {@code lcqmc-dev/spearman} (sentence-transformers prefixes an evaluator's metrics
 * with its name the same way). Several evaluations of one kind (STS on the training task's dev set
 * and on other data, to see what fine-tuning costs elsewhere) then sit side by side without their
 * metric names colliding. The primary metric and its direction are the inner evaluator's.
 */
public final class NamedEvaluator implements Evaluator {
    /** Between the name and the metric. */
    public static final String SEPARATOR = "/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String name;
    private final Evaluator inner;

    private NamedEvaluator(String name, Evaluator inner) {
        this.name = name;
        this.inner = inner;
    }

    /**
     * {@code inner} with its metrics prefixed by {@code name}.
     *
     * @throws RetrievalsException when the name is empty or holds characters other than letters,
     *     digits, '.', '_' and '-' (it becomes part of metric names and file keys)
     */
    public static NamedEvaluator of(String name, Evaluator inner) {
        return new NamedEvaluator(requireValidName(name), inner);
    }

    /**
     * Returns {@code name} when it can prefix metric names.
     *
     * @throws RetrievalsException naming what is allowed otherwise
     */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RetrievalsException("Evaluation name '" + name + "' is not allowed; expected letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit (for example lcqmc-dev)");
        }
        return name;
    }

    /** The name that prefixes the metrics. */
    public String name() {
        return name;
    }

    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        return named(inner.evaluate(encoder));
    }

    @Override
    public EvaluationResult evaluate(PairScorer reranker) {
        return named(inner.evaluate(reranker));
    }

    private EvaluationResult named(EvaluationResult result) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        result.metrics().forEach((metric, value) -> metrics.put(name + SEPARATOR + metric, value));
        return new EvaluationResult(metrics, name + SEPARATOR + result.primaryMetric(), result.higherIsBetter());
    }
}
