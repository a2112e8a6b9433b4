package dev.retrievals.index.mining;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output rows of one query in an {@link OutputFormat}, as ordered maps ready for JSON (field
 * order as written). Shared by the single-machine miner's writer and the Spark miner.
 */
public final class MinedRows {
    private MinedRows() {}

    /**
     * The rows of one query: none without negatives, and none in {@code ntuple} when fewer than
     * {@code numNegatives} negatives were found.
     *
     * @param scores whether triplet and ntuple rows carry scores (flag rows always do)
     * @param negativeScores the chosen negatives' scores, best first, as {@code negativeTexts}
     */
    public static List<Map<String, Object>> of(OutputFormat format, boolean scores, int numNegatives, String query,
            List<String> positiveTexts, double[] positiveScores, List<String> negativeTexts, List<Double> negativeScores) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (negativeTexts.isEmpty() || (format == OutputFormat.NTUPLE && negativeTexts.size() < numNegatives)) {
            return rows;
        }
        switch (format) {
            case TRIPLET -> {
                for (int p = 0; p < positiveTexts.size(); p++) {
                    for (int n = 0; n < negativeTexts.size(); n++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("query", query);
                        row.put("positive", positiveTexts.get(p));
                        row.put("negative", negativeTexts.get(n));
                        if (scores) {
                            row.put("positive_score", positiveScores[p]);
                            row.put("negative_score", negativeScores.get(n));
                        }
                        rows.add(row);
                    }
                }
            }
            case NTUPLE -> {
                for (int p = 0; p < positiveTexts.size(); p++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("query", query);
                    row.put("positive", positiveTexts.get(p));
                    for (int n = 0; n < negativeTexts.size(); n++) {
                        row.put("negative_" + (n + 1), negativeTexts.get(n));
                    }
                    if (scores) {
                        List<Double> all = new ArrayList<>();
                        all.add(positiveScores[p]);
                        all.addAll(negativeScores);
                        row.put("score", all);
                    }
                    rows.add(row);
                }
            }
            case FLAG -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("query", query);
                row.put("pos", positiveTexts);
                row.put("neg", negativeTexts);
                List<Double> positiveList = new ArrayList<>();
                for (double score : positiveScores) {
                    positiveList.add(score);
                }
                row.put("pos_scores", positiveList);
                row.put("neg_scores", negativeScores);
                rows.add(row);
            }
            default -> throw new IllegalStateException(format.name());
        }
        return rows;
    }
}
