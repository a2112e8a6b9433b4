package dev.retrievals.index.mining;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.index.store.CorpusStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes mined rows in an {@link OutputFormat} to a hidden file beside the target, moved into
 * place by {@link #commit()} (never over an existing file); closing without committing deletes it.
 * Gathers the scores for the summary.
 */
final class MinedRowWriter implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Path target;
    private final Path temporary;
    private final BufferedWriter out;
    private final OutputFormat format;
    private final boolean scores;
    private final List<Double> positiveScores = new ArrayList<>();
    private final List<Double> negativeScores = new ArrayList<>();
    private final List<Double> differences = new ArrayList<>();
    private long rows;
    private long negatives;
    private long withoutNegatives;
    private long ntupleShort;
    private boolean committed;

    private MinedRowWriter(Path target, Path temporary, OutputFormat format, boolean scores) throws IOException {
        this.target = target;
        this.temporary = temporary;
        this.out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8);
        this.format = format;
        this.scores = scores;
    }

    static MinedRowWriter open(Path target, OutputFormat format, boolean scores) {
        try {
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
            return new MinedRowWriter(target, temporary, format, scores);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes the rows of one query. */
    void write(String query, int[] positives, double[] positiveScoresOfQuery, List<CandidateSelection.Candidate> chosen, CorpusStore store,
            CandidateSelection selection) {
        double lowest = Double.POSITIVE_INFINITY;
        for (double score : positiveScoresOfQuery) {
            positiveScores.add(score);
            lowest = Math.min(lowest, score);
        }
        if (chosen.isEmpty()) {
            withoutNegatives++;
            return;
        }
        List<String> negativeTexts = new ArrayList<>(chosen.size());
        List<Double> chosenScores = new ArrayList<>(chosen.size());
        for (CandidateSelection.Candidate candidate : chosen) {
            negativeTexts.add(store.text(candidate.position));
            chosenScores.add(candidate.score);
            negativeScores.add(candidate.score);
            differences.add(lowest - candidate.score);
        }
        negatives += chosen.size();
        List<String> positiveTexts = new ArrayList<>(positives.length);
        for (int position : positives) {
            positiveTexts.add(store.text(position));
        }
        if (format == OutputFormat.NTUPLE && chosen.size() < selection.numNegatives()) {
            ntupleShort += positives.length;
        }
        try {
            for (Map<String, Object> row : MinedRows.of(format, scores, selection.numNegatives(), query, positiveTexts, positiveScoresOfQuery,
                    negativeTexts, chosenScores)) {
                line(row);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private void line(Map<String, Object> row) throws IOException {
        out.write(GSON.toJson(row));
        out.write('\n');
        rows++;
    }

    /** Moves the finished file into place; fails, keeping nothing, if the target appeared meanwhile. */
    void commit() {
        try {
            out.close();
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
            if (!Files.exists(temporary)) {
                committed = true;
            }
        } catch (FileAlreadyExistsException e) {
            throw new RetrievalsException("Output " + target + " appeared while mining; it was left as it is");
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    MiningSummary summary(long queries, long withoutQrels, Map<String, Long> drops, Map<String, Double> seconds, String scoredBy) {
        Map<String, Long> all = new LinkedHashMap<>(drops);
        if (format == OutputFormat.NTUPLE) {
            all.put("ntuple_rows_short", ntupleShort);
        }
        return new MiningSummary(queries, withoutQrels, withoutNegatives, rows, negatives, ScoreStatistics.of(array(positiveScores)),
                ScoreStatistics.of(array(negativeScores)), ScoreStatistics.of(array(differences)), all, seconds, scoredBy);
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                out.close();
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a hidden .partial file is all that can remain
            }
        }
    }
}
