package dev.retrievals.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's PNGs show metrics.jsonl: each file is decoded and every logged point is found at the
 * pixel where its step and value belong (computed here from the plot's data area and axis ranges),
 * and not far above or below it. The page holds the before/after table and the configuration; a
 * stopped run (no evaluation, a cut-off last line) still gets a report.
 */
class TrainingReportTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Writes a metrics log the way the trainer does: training lines every step, evaluation lines every 10 steps. */
    private static void writeMetrics(Path run, int steps, boolean cutOffLastLine) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int step = 1; step <= steps; step++) {
            lines.append(String.format(Locale.ROOT,
                    "{\"step\":%d,\"epoch\":0,\"loss\":%s,\"learning_rate\":%s,\"grad_norm\":%s,\"tokens_per_second\":%s}%n",
                    step, 2 * Math.exp(-step / 10.0) + 0.1, 5e-5 * (1 - step / (double) steps), 10 / Math.sqrt(step),
                    1000 + 200 * Math.sin(step / 5.0)));
            if (step % 10 == 0) {
                lines.append(String.format(Locale.ROOT, "{\"step\":%d,\"epoch\":0,\"eval_spearman\":%s,\"eval_pearson\":%s}%n", step,
                        0.5 + step / 100.0, 0.4 + step / 80.0));
            }
        }
        // a resumed run logs a step again: the later value counts
        lines.append("{\"step\":3,\"epoch\":0,\"loss\":1.0,\"learning_rate\":4.5E-5,\"grad_norm\":NaN,\"tokens_per_second\":1100.0}\n");
        if (cutOffLastLine) {
            lines.append("{\"step\":").append(steps + 1).append(",\"epoch\":0,\"loss\":0.3");
        }
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    }

    /** Step → value of a key, read from the file independently of MetricsLog (last value wins, non-finite left out). */
    private static Map<Long, Double> expected(Path run, String key) throws IOException {
        Map<Long, Double> points = new TreeMap<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonObject entry;
            try {
                entry = JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException cutOff) {
                continue;
            }
            JsonElement value = entry.get(key);
            if (value != null) {
                double number = value.getAsDouble();
                if (Double.isFinite(number)) {
                    points.put(entry.get("step").getAsLong(), number);
                } else {
                    points.remove(entry.get("step").getAsLong());
                }
            }
        }
        return points;
    }

    private static boolean near(Color expected, int rgb, int tolerance) {
        Color actual = new Color(rgb);
        return Math.abs(actual.getRed() - expected.getRed()) + Math.abs(actual.getGreen() - expected.getGreen())
                + Math.abs(actual.getBlue() - expected.getBlue()) <= tolerance;
    }

    /** Whether a pixel of the series colour lies within {@code radius} pixels of (x, y). */
    private static boolean seriesPixelNear(BufferedImage image, Color color, double x, double y, int radius) {
        for (int dx = -radius; dx <= radius; dx++) {
            for (int dy = -radius; dy <= radius; dy++) {
                int px = (int) Math.round(x) + dx;
                int py = (int) Math.round(y) + dy;
                if (px >= 0 && py >= 0 && px < image.getWidth() && py < image.getHeight() && near(color, image.getRGB(px, py), 60)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void everyPlotShowsItsSeriesFromTheMetricsLog() throws IOException {
        Path run = dir.resolve("run");
        writeMetrics(run, 30, false);
        RunRecord.writeEvaluation(run, Map.of("spearman", 0.61, "pearson", 0.55), Map.of("spearman", 0.83, "pearson", 0.79));
        RunRecord.writeConfiguration(run, Map.of("model", "bge-small-zh-v1.5", "training_arguments", Map.of("learning_rate", 5e-5)));

        TrainingReport report = TrainingReport.write(run);

        assertThat(report.charts()).extracting(ReportChart::key)
                .containsExactly("loss", "learning_rate", "grad_norm", "tokens_per_second", "eval_spearman", "eval_pearson");
        for (ReportChart chart : report.charts()) {
            Map<Long, Double> points = expected(run, chart.key());
            assertThat(chart.points()).as(chart.key()).isEqualTo(points);
            BufferedImage image = ImageIO.read(chart.file().toFile());
            assertThat(image.getWidth()).isEqualTo(TrainingReport.WIDTH);
            assertThat(image.getHeight()).isEqualTo(TrainingReport.HEIGHT);
            Rectangle2D area = chart.dataArea();
            // the axes span the logged steps and values plus 5 % on each side (not below 0 for data that is not negative),
            // so a pixel means the value logged
            double minStep = points.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
            double maxStep = points.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            double minValue = points.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double maxValue = points.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(chart.steps().getLowerBound()).isCloseTo(Math.max(0, minStep - 0.05 * (maxStep - minStep)), within(1e-9));
            assertThat(chart.steps().getUpperBound()).isCloseTo(maxStep + 0.05 * (maxStep - minStep), within(1e-9));
            double tolerance = 1e-9 * Math.max(1, Math.abs(maxValue));
            double lowest = minValue - 0.05 * (maxValue - minValue);
            assertThat(chart.values().getLowerBound()).as(chart.key()).isCloseTo(minValue >= 0 ? Math.max(0, lowest) : lowest,
                    within(tolerance));
            assertThat(chart.values().getUpperBound()).as(chart.key()).isCloseTo(maxValue + 0.05 * (maxValue - minValue), within(tolerance));
            assertThat(area.getWidth()).as("plot width").isGreaterThan(TrainingReport.WIDTH / 2.0);
            int coloured = 0;
            for (int x = 0; x < image.getWidth(); x++) {
                for (int y = 0; y < image.getHeight(); y++) {
                    coloured += near(chart.color(), image.getRGB(x, y), 60) ? 1 : 0;
                }
            }
            assertThat(coloured).as("%s: pixels of the series colour", chart.key()).isGreaterThan(100);
            for (Map.Entry<Long, Double> point : points.entrySet()) {
                double x = area.getMinX() + (point.getKey() - chart.steps().getLowerBound()) / chart.steps().getLength() * area.getWidth();
                double y = area.getMaxY() - (point.getValue() - chart.values().getLowerBound()) / chart.values().getLength() * area.getHeight();
                assertThat(area.contains(x, y) || area.outcode(x, y) == 0 || Math.abs(y - area.getMaxY()) < 1 || Math.abs(y - area.getMinY()) < 1)
                        .as("%s step %d inside the plot", chart.key(), point.getKey()).isTrue();
                assertThat(seriesPixelNear(image, chart.color(), x, y, 2)).as("%s: step %d value %s drawn at (%.0f, %.0f)",
                        chart.key(), point.getKey(), point.getValue(), x, y).isTrue();
                double away = y - 20 > area.getMinY() ? y - 20 : y + 20;
                assertThat(seriesPixelNear(image, chart.color(), x, away, 1)).as("%s: nothing 20 px from step %d's value",
                        chart.key(), point.getKey()).isFalse();
            }
        }
        assertThat(report.charts().get(0).points()).as("the re-logged step 3 keeps its last loss").containsEntry(3L, 1.0);
        assertThat(report.charts().get(2).points()).as("a NaN gradient norm is left out").doesNotContainKey(3L);

        String html = Files.readString(report.html());
        for (ReportChart chart : report.charts()) {
            assertThat(html).contains("<img src=\"report/" + chart.file().getFileName() + "\"");
        }
        assertThat(html).contains("<td>spearman</td><td class=\"num\">0.6100</td><td class=\"num\">0.8300</td><td class=\"num\">+0.2200</td>")
                .contains("<td>training_arguments.learning_rate</td><td>5.0E-5</td>").contains("<td>model</td><td>bge-small-zh-v1.5</td>")
                .contains("last logged step 30");
        try (var files = Files.walk(run)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
        }
    }

    @Test
    void aStoppedRunStillGetsAReport() throws IOException {
        Path run = dir.resolve("stopped");
        writeMetrics(run, 7, true);
        TrainingReport report = TrainingReport.write(run);
        assertThat(report.charts()).extracting(ReportChart::key).containsExactly("loss", "learning_rate", "grad_norm", "tokens_per_second");
        assertThat(report.charts().get(0).points()).containsOnlyKeys(new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L)));
        String html = Files.readString(report.html());
        assertThat(html).contains("Not evaluated").contains("No evaluation during training").contains("Not recorded")
                .contains("no saved model");
    }

    @Test
    void aFolderWithoutAMetricsLogOrWithABadLineIsNamed() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TrainingReport.write(empty)).isInstanceOf(RetrievalsException.class).hasMessageContaining("has no metrics.jsonl");
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":2.0}\nnot json\n{\"step\":2,\"loss\":1.0}\n");
        assertThatThrownBy(() -> TrainingReport.write(broken)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("metrics.jsonl line 2");
    }
}
