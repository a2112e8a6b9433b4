/**
 * Evaluators that score a {@link dev.retrievals.core.encode.TextEncoder} on a dataset, as plugins
 * of kind {@code evaluator}: {@code sts} ({@link dev.retrievals.trainer.eval.StsEvaluator}),
 * {@code retrieval} ({@link dev.retrievals.trainer.eval.RetrievalEvaluator}) and
 * {@code classification} ({@link dev.retrievals.trainer.eval.ClassificationEvaluator}). Each reads
 * its data once when built and can be evaluated many times.
 *
 * <p>Evaluators only call the encoder's encode methods: they never switch a model's mode and never
 * see a loss, so a stateful loss (an ArcFace margin schedule, a class-weight matrix) is untouched.
 * The caller (the trainer) puts a trainable model in evaluation mode before evaluating, so dropout
 * is off and results are deterministic.
 */
package dev.retrievals.trainer.eval;
