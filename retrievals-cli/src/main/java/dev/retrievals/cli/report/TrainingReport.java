package dev.retrievals.cli.report;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.model.RunFolder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training report of a run folder: {@code report.html} with PNG plots (drawn by JFreeChart) in
 * {@code report/}: loss, learning rate, gradient norm and tokens per second over steps, every
 * evaluation metric over steps, the before/after table and the run's configuration. Works for any
 * run with a {@code metrics.jsonl}, also one that was stopped; files are replaced atomically.
 */
public final class TrainingReport {
    /** The page, in the run folder. */
    public static final String HTML = "report.html";
    /** The folder of the plots, in the run folder. */
    public static final String IMAGES = "report";
    /** Size of every plot in pixels. */
    public static final int WIDTH = 640;
    /** Size of every plot in pixels. */
    public static final int HEIGHT = 360;
    private static final Color TRAINING_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color EVALUATION_COLOR = new Color(0xd6, 0x27, 0x28);
    private static final int MOST_POINTS_WITH_MARKERS = 200;
    /** Each axis spans the data plus this share of its extent on both sides (not below 0 for data that is not negative). */
    public static final double AXIS_MARGIN = 0.05;
    /** The training quantities of {@code metrics.jsonl}: key, title, axis label. */
    private static final List<String[]> TRAINING = List.of(
            new String[] {"loss", "Training loss", "loss"},
            new String[] {"learning_rate", "Learning rate", "learning rate"},
            new String[] {"grad_norm", "Gradient norm (before clipping)", "global L2 norm"},
            new String[] {"tokens_per_second", "Throughput", "real tokens / s"});

    private final Path html;
    private final List<ReportChart> charts;

    private TrainingReport(Path html, List<ReportChart> charts) {
        this.html = html;
        this.charts = List.copyOf(charts);
    }

    /** The page written. */
    public Path html() {
        return html;
    }

    /** The plots drawn, training quantities first, then evaluation metrics. */
    public List<ReportChart> charts() {
        return charts;
    }

    /**
     * Draws a throwaway plot so that Java's graphics, fonts and PNG writer are loaded now: a run
     * stopped by SIGTERM writes its report while the JVM shuts down, when they could no longer
     * start (they register shutdown hooks of their own).
     */
    public static void prepare() {
        XYSeries series = new XYSeries("warm-up");
        series.add(0, 0);
        series.add(1, 1);
        JFreeChart chart = ChartFactory.createXYLineChart("warm-up", "step", "value", new XYSeriesCollection(series),
                PlotOrientation.VERTICAL, false, false, false);
        try {
            ImageIO.write(chart.createBufferedImage(64, 48), "png", new java.io.ByteArrayOutputStream());
        } catch (IOException e) {
            throw new RetrievalsException("Cannot draw plots for the training report: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the report of a run folder.
     *
     * @throws RetrievalsException when the folder has no {@code metrics.jsonl} or a file cannot be read or written
     */
    public static TrainingReport write(Path runFolder) {
        Path metrics = runFolder.resolve(RunFolder.METRICS);
        if (!Files.isRegularFile(metrics)) {
            throw new RetrievalsException("Run folder " + runFolder + " has no " + RunFolder.METRICS
                    + " (a training output folder has one from its first logged step)");
        }
        MetricsLog log = MetricsLog.read(metrics);
        Path images = runFolder.resolve(IMAGES);
        List<ReportChart> charts = new ArrayList<>();
        try {
            Files.createDirectories(images);
            for (String[] quantity : TRAINING) {
                NavigableMap<Long, Double> points = log.series(quantity[0]);
                if (!points.isEmpty()) {
                    charts.add(draw(quantity[0], quantity[1], quantity[2], points, TRAINING_COLOR, images));
                }
            }
            for (String key : log.keys()) {
                if (key.startsWith("loss/")) { // the loss of each training set of a multi-dataset run
                    charts.add(draw(key, "Training loss: set " + key.substring("loss/".length()), "loss", log.series(key),
                            TRAINING_COLOR, images));
                }
            }
            for (String key : log.evaluationKeys()) {
                String metric = key.substring("eval_".length());
                charts.add(draw(key, "Evaluation: " + metric, metric, log.series(key), EVALUATION_COLOR, images));
            }
            Path html = runFolder.resolve(HTML);
            AtomicFiles.write(html, page(runFolder, log, charts).getBytes(StandardCharsets.UTF_8));
            return new TrainingReport(html, charts);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write the report of " + runFolder + ": " + e.getMessage(), e);
        }
    }

    private static ReportChart draw(String key, String title, String axisLabel, NavigableMap<Long, Double> points, Color color,
            Path images) throws IOException {
        XYSeries series = new XYSeries(key, true, false);
        points.forEach(series::add);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "step", axisLabel, new XYSeriesCollection(series),
                PlotOrientation.VERTICAL, false, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, points.size() <= MOST_POINTS_WITH_MARKERS);
        renderer.setSeriesPaint(0, color);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesShape(0, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        plot.setRenderer(renderer);
        NumberAxis steps = (NumberAxis) plot.getDomainAxis();
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis values = (NumberAxis) plot.getRangeAxis();
        values.setAutoRangeIncludesZero(false);
        for (NumberAxis axis : List.of(steps, values)) {
            axis.setLowerMargin(AXIS_MARGIN);
            axis.setUpperMargin(AXIS_MARGIN);
        }
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB, info);
        Path file = images.resolve(key.replaceAll("[^A-Za-z0-9_.@-]", "_") + ".png");
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        AtomicFiles.write(file, png.toByteArray());
        return new ReportChart(key, title, file, info.getPlotInfo().getDataArea().getBounds2D(), steps.getRange(), values.getRange(),
                color, points);
    }

    private static String page(Path runFolder, MetricsLog log, List<ReportChart> charts) {
        StringBuilder page = new StringBuilder();
        String name = runFolder.toAbsolutePath().normalize().toString();
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Training report: ")
                .append(escape(name)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:2em auto;max-width:1320px;color:#222;padding:0 1em}\n")
                .append("h1{margin-bottom:.2em}.run{color:#555;margin-top:0}\n")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}\n")
                .append("td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(".plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}img{border:1px solid #ddd}\n")
                .append("</style>\n</head>\n<body>\n<h1>Training report</h1>\n<p class=\"run\">")
                .append(escape(name)).append(" · last logged step ").append(log.lastStep()).append(" · ")
                .append(Files.isDirectory(runFolder.resolve(RunFolder.MODEL)) ? "model saved in " + RunFolder.MODEL + "/"
                        : "no saved model (the run stopped before saving it)")
                .append("</p>\n");
        beforeAfter(page, RunRecord.evaluation(runFolder));
        plots(page, "Training", charts.stream().filter(chart -> !chart.key().startsWith("eval_")).toList(),
                "Nothing logged yet: the run stopped before its first logging step.");
        plots(page, "Evaluation during training", charts.stream().filter(chart -> chart.key().startsWith("eval_")).toList(),
                "No evaluation during training (set eval_strategy to steps or epoch, with an evaluation set).");
        configuration(page, RunRecord.configuration(runFolder));
        page.append("<p class=\"run\">Drawn from ").append(RunFolder.METRICS).append(", ").append(RunRecord.CONFIGURATION)
                .append(" and ").append(RunRecord.EVALUATION).append(" of this folder; redraw with: retrievals report ")
                .append(escape(runFolder.toString())).append("</p>\n</body>\n</html>\n");
        return page.toString();
    }

    private static void beforeAfter(StringBuilder page, Map<String, Map<String, Double>> evaluation) {
        page.append("<h2>Before and after training</h2>\n");
        Map<String, Double> before = evaluation.getOrDefault(RunRecord.BEFORE, Map.of());
        Map<String, Double> after = evaluation.getOrDefault(RunRecord.AFTER, Map.of());
        Map<String, Double> merged = evaluation.getOrDefault(RunRecord.MERGED, Map.of());
        if (before.isEmpty() && after.isEmpty()) {
            page.append("<p>Not evaluated: the run had no evaluation set, or it stopped before the evaluation after training.</p>\n");
            return;
        }
        page.append("<table>\n<tr><th>metric</th><th class=\"num\">before</th><th class=\"num\">after</th><th class=\"num\">change</th>");
        if (!merged.isEmpty()) {
            page.append("<th class=\"num\">merged</th><th class=\"num\">change</th>");
        }
        page.append("</tr>\n");
        Map<String, Boolean> metrics = new LinkedHashMap<>();
        before.keySet().forEach(metric -> metrics.put(metric, true));
        after.keySet().forEach(metric -> metrics.put(metric, true));
        for (String metric : metrics.keySet()) {
            Double b = before.get(metric);
            page.append("<tr><td>").append(escape(metric)).append("</td><td class=\"num\">").append(number(b)).append("</td>");
            appendWithChange(page, b, after.get(metric));
            if (!merged.isEmpty()) {
                appendWithChange(page, b, merged.get(metric));
            }
            page.append("</tr>\n");
        }
        page.append("</table>\n");
        if (!merged.isEmpty()) {
            page.append("<p>merged: the trained weights averaged with the base model's (merge_ratio); change is against before.</p>\n");
        }
    }

    /** A value and its change against {@code before}, as two cells. */
    private static void appendWithChange(StringBuilder page, Double before, Double value) {
        String change = value != null && before != null ? String.format(Locale.ROOT, "%+.4f", value - before) : "";
        page.append("<td class=\"num\">").append(number(value)).append("</td><td class=\"num\">").append(change).append("</td>");
    }

    private static void plots(StringBuilder page, String heading, List<ReportChart> charts, String none) {
        page.append("<h2>").append(heading).append("</h2>\n");
        if (charts.isEmpty()) {
            page.append("<p>").append(escape(none)).append("</p>\n");
            return;
        }
        page.append("<div class=\"plots\">\n");
        for (ReportChart chart : charts) {
            page.append("<figure><img src=\"").append(IMAGES).append('/').append(escape(chart.file().getFileName().toString()))
                    .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" alt=\"")
                    .append(escape(chart.title())).append("\"></figure>\n");
        }
        page.append("</div>\n");
    }

    private static void configuration(StringBuilder page, Map<String, Object> configuration) {
        page.append("<h2>Configuration</h2>\n");
        if (configuration.isEmpty()) {
            page.append("<p>Not recorded (").append(RunRecord.CONFIGURATION).append(" is written by retrievals train).</p>\n");
            return;
        }
        page.append("<table>\n");
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", configuration, flat);
        flat.forEach((key, value) -> page.append("<tr><td>").append(escape(key)).append("</td><td>").append(escape(value))
                .append("</td></tr>\n"));
        page.append("</table>\n");
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> flat) {
        map.forEach((key, value) -> {
            String name = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(name, nested, flat);
            } else {
                flat.put(name, value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                        : String.valueOf(value));
            }
        });
    }

    private static String number(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
