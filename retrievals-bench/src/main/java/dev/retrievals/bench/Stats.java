package dev.retrievals.bench;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The median, minimum and maximum of repeated measurements: every figure on the benchmark page is
 * one of these, never a single run.
 *
 * @param median the middle value (the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param count how many measurements
 */
public record Stats(double median, double min, double max, int count) {

    /** The statistics of some measurements; there must be at least one. */
    public static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("No measurements to summarise");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }

    /** The statistics of some measurements; there must be at least one. */
    public static Stats of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Reads statistics written by {@link #toJson()}. */
    public static Stats fromJson(JsonObject json) {
        return new Stats(json.get("median").getAsDouble(), json.get("min").getAsDouble(), json.get("max").getAsDouble(),
                json.get("n").getAsInt());
    }

    /** {@code {"median": …, "min": …, "max": …, "n": …}}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("median", median);
        json.addProperty("min", min);
        json.addProperty("max", max);
        json.addProperty("n", count);
        return json;
    }

    /** Each statistic multiplied by {@code factor} (a unit change). */
    public Stats times(double factor) {
        return factor >= 0 ? new Stats(median * factor, min * factor, max * factor, count)
                : new Stats(median * factor, max * factor, min * factor, count);
    }

    /** "median (min–max)" with a printf pattern for each number, for a table cell. */
    public String format(String pattern) {
        return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")", median, min, max);
    }
}
