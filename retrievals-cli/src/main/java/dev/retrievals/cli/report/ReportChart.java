package dev.retrievals.cli.report;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.NavigableMap;
import org.jfree.data.Range;

/**
 * One plot of a training report as drawn: the quantity, its PNG, where the data area lies in the
 * image (pixels), the axis ranges and the series colour. With these a value maps to a pixel, so a
 * test can check the image against {@code metrics.jsonl}.
 *
 * @param key the quantity in {@code metrics.jsonl}, for example {@code loss} or {@code eval_spearman}
 * @param title the plot's title
 * @param file the PNG
 * @param dataArea the rectangle of the image in which values are plotted
 * @param steps the range of the horizontal (step) axis
 * @param values the range of the vertical axis
 * @param color the colour of the series' line and points
 * @param points the plotted points, step → value
 */
public record ReportChart(String key, String title, Path file, Rectangle2D dataArea, Range steps, Range values, Color color,
        NavigableMap<Long, Double> points) {}
