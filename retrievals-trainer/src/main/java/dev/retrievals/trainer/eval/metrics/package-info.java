/**
 * Metric functions in plain double arithmetic: {@link dev.retrievals.trainer.eval.metrics.Correlation}
 * (Pearson, Spearman) and per-query {@link dev.retrievals.trainer.eval.metrics.RankingMetric}s at
 * a cutoff (MRR, nDCG, Recall, Precision, MAP, Accuracy).
 */
package dev.retrievals.trainer.eval.metrics;
